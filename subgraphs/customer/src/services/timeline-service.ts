import { z } from 'zod';
import { CHANNELS } from '@omni/auth';
import { isIdOf, newId } from '@omni/db';
import { consumeEvents, fromWire, type DomainEvent, type DomainEventWire } from '@omni/events';
import { badUserInput, fail, isIdKey, isTimestampKey, pageRequest, requireInternalCall, succeed, toConnection, userError, userErrorsFromIssues, type ConnectionArgs, type Outcome } from '@omni/graphql';
import type { CustomerContext } from '../context';
import type { CustomerDb } from '../db/database';
import { lockCustomers, resolveCustomerId } from '../db/customer-queries';
import { processedEvents, TOUCHPOINT_KINDS, type CustomerRow, type TimelineEntryRow, type TouchpointKind } from '../db/schema';
import { insertTimelineEntry, MAX_RECENTLY_VIEWED, upsertRecentlyViewed, type TimelineCursor } from '../db/timeline-queries';
import type { CartReminder } from '../clients/reminder-sender';
import { abandonedCartPayload, abandonedCartSummary, planCartReminder } from './cart-reminder-service';
import { messageTouchpoint } from './message-touchpoint-rules';
import { requireCustomerWriter, targetCustomer } from './customer-access';
import { applyOrderReturnToLoyalty, earnForPlacedOrder } from './order-loyalty-service';
import { checkProductReference } from './product-reference';
import { visibleProductIds } from './product-visibility';
import { signalFirstOrder, signalProductEngagement } from './promotion-signal-service';

const isTimelineCursor = (value: unknown): value is TimelineCursor =>
  Array.isArray(value) && value.length === 2 && isTimestampKey(value[0]) && isIdKey(value[1]);

export async function listTimeline(
  ctx: CustomerContext,
  customer: CustomerRow,
  args: ConnectionArgs & { kinds?: TouchpointKind[] | null; channels?: string[] | null },
) {
  const page = pageRequest(args, isTimelineCursor);
  const filter = { kinds: args.kinds?.length ? [...args.kinds].sort() : null, channels: args.channels?.length ? [...args.channels].sort() : null };
  const rows = await ctx.loaders.timelinePage.load(customer.id, { ...page, filter });
  return toConnection(rows, page, (row) => [row.occurredAt.toISOString(), row.id]);
}

export async function listRecentlyViewed(ctx: CustomerContext, customer: CustomerRow, first: number | null | undefined) {
  const limit = first ?? 10;
  if (!Number.isInteger(limit) || limit < 0 || limit > MAX_RECENTLY_VIEWED) {
    throw badUserInput(`first must be between 0 and ${MAX_RECENTLY_VIEWED}`);
  }
  const rows = await ctx.loaders.recentlyViewedByCustomerId.load(customer.id);
  // Withdrawn from the caller's channel (or gone) since it was viewed: left out, not a broken entry.
  const visible = await visibleProductIds(ctx, rows.map((row) => row.productId));
  return visible.slice(0, limit).map((id) => ({ __typename: 'Product', id }));
}

/** An erased person keeps an anonymous record; nothing personal may be attached to it again. */
const erasedError = (field: string[]) => userError('INVALID_STATE', "This customer's personal data was erased", field);

export const productIdSchema = z.string().refine((id) => isIdOf('prod', id), 'must be a product id (`prod_…`)');
const occurredAt = z.date().nullish().refine((date) => !date || date.getTime() <= Date.now() + 60_000, 'must not be in the future');
const touchpointInput = z.object({
  customerId: z.string().min(1),
  kind: z.enum(TOUCHPOINT_KINDS),
  summary: z.string().trim().min(1, 'must not be empty').max(500, 'must be at most 500 characters'),
  provider: z.string().trim().min(1).max(40).nullish(),
  productId: productIdSchema.nullish(),
  occurredAt,
});
export type RecordTouchpointInput = z.input<typeof touchpointInput>;

export async function recordTouchpoint(ctx: CustomerContext, rawInput: RecordTouchpointInput): Promise<Outcome<TimelineEntryRow>> {
  requireCustomerWriter(ctx.caller);
  const parsed = touchpointInput.safeParse(rawInput);
  if (!parsed.success) return fail(...userErrorsFromIssues(parsed.error.issues));
  const input = parsed.data;
  const target = await targetCustomer(ctx, input.customerId, ['input', 'customerId']);
  if (!target.ok) return target;
  if (input.productId) {
    const product = await checkProductReference(ctx, input.productId, ['input', 'productId'], 'exists');
    if (!product.ok) return product;
  }
  const productId = input.productId ?? null;
  const occurredAt = input.occurredAt ?? new Date();
  const entry = await ctx.db.transaction(async (tx) => {
    // A question about a product may cross the engagement threshold: touchpoints of one customer
    // count one at a time. Under the same lock an erased person gets no new personal entry.
    const [customer] = await lockCustomers(tx, [target.value]);
    if (!customer || customer.erasedAt) return null;
    const created = await insertTimelineEntry(tx, {
      id: newId('tl'),
      customerId: target.value,
      kind: input.kind,
      channel: ctx.caller.channel,
      provider: input.provider ?? null,
      summary: input.summary,
      productId,
      occurredAt,
    });
    if (productId) await signalProductEngagement(tx, target.value, productId, occurredAt);
    return created;
  });
  return entry ? succeed(entry) : fail(erasedError(['input', 'customerId']));
}

const productViewInput = z.object({
  customerId: z.string().min(1).nullish(),
  productId: productIdSchema,
});
export type RecordProductViewInput = z.input<typeof productViewInput>;

/** The view goes to the shared recently-viewed list and the timeline together. */
export async function recordProductView(ctx: CustomerContext, rawInput: RecordProductViewInput): Promise<Outcome<CustomerRow>> {
  const parsed = productViewInput.safeParse(rawInput);
  if (!parsed.success) return fail(...userErrorsFromIssues(parsed.error.issues));
  const input = parsed.data;
  const target = await targetCustomer(ctx, input.customerId, ['input', 'customerId']);
  if (!target.ok) return target;
  const product = await checkProductReference(ctx, input.productId, ['input', 'productId'], 'offered-in-caller-channel');
  if (!product.ok) return product;
  const now = new Date();
  const recorded = await ctx.db.transaction(async (tx) => {
    // Views of one customer count one at a time, so exactly one crosses the engagement threshold;
    // an erased person's token outlives the erasure, but no new personal data is recorded.
    const [customer] = await lockCustomers(tx, [target.value]);
    if (!customer || customer.erasedAt) return false;
    await upsertRecentlyViewed(tx, { customerId: target.value, productId: input.productId, channel: ctx.caller.channel, viewedAt: now });
    await insertTimelineEntry(tx, {
      id: newId('tl'),
      customerId: target.value,
      kind: 'PRODUCT_VIEWED',
      channel: ctx.caller.channel,
      summary: 'Viewed a product',
      productId: input.productId,
      occurredAt: now,
    });
    await signalProductEngagement(tx, target.value, input.productId, now);
    return true;
  });
  if (!recorded) return fail(erasedError(['input', 'customerId']));
  const customer = await ctx.loaders.customerById.load(target.value);
  return customer ? succeed(customer) : fail(userError('NOT_FOUND', 'No such customer', ['input', 'customerId']));
}

/** The name this subgraph records applied events under in its inbox. */
export const TIMELINE_CONSUMER = 'customer-timeline';
/** Event types of sibling subgraphs that become timeline entries. */
export const TIMELINE_EVENT_TYPES = ['cart.changed', 'cart.abandoned', 'order.placed', 'message.sent'] as const;

const channel = z.enum(CHANNELS).catch('WEB');
const eventPayloads = {
  'cart.changed': z.object({ customerId: z.string(), cartId: z.string(), channel, totalQuantity: z.number().int().optional() }),
  'order.placed': z.object({ customerId: z.string(), orderId: z.string(), channel, totalMinor: z.number().int().nonnegative(), currencyCode: z.string().regex(/^[A-Z]{3}$/) }),
  'message.sent': z.object({ customerId: z.string(), conversationId: z.string(), channel, provider: z.string().nullish(), authorKind: z.string() }),
};

interface EventEntry {
  customerId: string;
  kind: TouchpointKind;
  channel: string;
  provider: string | null;
  summary: string;
  amountMinor?: number;
  currencyCode?: string;
}

function timelineEntryOf(event: DomainEvent): EventEntry | null {
  switch (event.type) {
    case 'cart.changed': {
      const payload = eventPayloads['cart.changed'].safeParse(event.payload);
      if (!payload.success) return null;
      const quantity = payload.data.totalQuantity;
      return { customerId: payload.data.customerId, kind: 'CART_CHANGED', channel: payload.data.channel, provider: null, summary: quantity === undefined ? 'Changed the cart' : `Changed the cart (${quantity} items)` };
    }
    case 'cart.abandoned': {
      const payload = abandonedCartPayload.safeParse(event.payload);
      if (!payload.success) return null;
      return { customerId: payload.data.customerId, kind: 'CART_ABANDONED', channel: channel.parse(payload.data.channel), provider: null, summary: abandonedCartSummary(payload.data) };
    }
    case 'order.placed': {
      const payload = eventPayloads['order.placed'].safeParse(event.payload);
      if (!payload.success) return null;
      const { customerId, orderId, totalMinor, currencyCode } = payload.data;
      return { customerId, kind: 'ORDER_PLACED', channel: payload.data.channel, provider: null, summary: `Placed order ${orderId}`, amountMinor: totalMinor, currencyCode };
    }
    case 'message.sent': {
      const payload = eventPayloads['message.sent'].safeParse(event.payload);
      if (!payload.success) return null;
      const { kind, summary } = messageTouchpoint(payload.data);
      return { customerId: payload.data.customerId, kind, channel: payload.data.channel, provider: payload.data.provider ?? null, summary };
    }
    default:
      return null;
  }
}

/**
 * Whether applying the event can change anything here. A guest's cart change names no customer,
 * so it has no profile to land on: the bus consumer acknowledges it without a transaction and an
 * inbox row (most cart changes on a storefront are guests').
 */
export function changesCustomerData(event: DomainEvent): boolean {
  return event.type === 'order.returned' || timelineEntryOf(event) !== null;
}

interface EventOptions {
  remindersOn: boolean;
  loyaltyPointsPerCurrencyUnit: number;
}

/**
 * Records the event on the timeline; an abandoned cart may also call for a reminder, returned to
 * send after commit. A placed order also earns points and may be the customer's first; a return
 * moves points only.
 */
async function applyCustomerEvent(tx: CustomerDb, event: DomainEvent, options: EventOptions): Promise<CartReminder | null> {
  if (event.type === 'order.returned') {
    await applyOrderReturnToLoyalty(tx, event);
    return null;
  }
  const entry = timelineEntryOf(event);
  if (!entry) return null;
  // Events name the id the producer knew; after a merge it resolves to the survivor. Guests
  // have no profile here, so their events have nothing to attach to.
  const customerId = await resolveCustomerId(tx, entry.customerId);
  if (!customerId) return null;
  const orderPlaced = event.type === 'order.placed';
  // Erasure wins over events still in flight: it holds this row lock while it deletes, so an event
  // applied concurrently either committed before (and was deleted with the rest) or sees
  // `erasedAt` here and records nothing personal (no entry, no offer, no reminder, no points).
  // The lock also counts one customer's orders one at a time, so exactly one of them is the first.
  const [customer] = await lockCustomers(tx, [customerId]);
  if (!customer || customer.erasedAt) return null;
  const recorded = await insertTimelineEntry(tx, { id: newId('tl'), ...entry, customerId, sourceEventId: event.id, occurredAt: event.occurredAt });
  if (orderPlaced) {
    const order = eventPayloads['order.placed'].parse(event.payload);
    if (recorded) await signalFirstOrder(tx, customerId, order, event.occurredAt);
    await earnForPlacedOrder(tx, event, customerId, options.loyaltyPointsPerCurrencyUnit);
    return null;
  }
  if (event.type !== 'cart.abandoned' || !options.remindersOn) return null;
  return planCartReminder(tx, customerId, abandonedCartPayload.parse(event.payload), event.id);
}

/**
 * Applies events delivered by sibling outboxes, each once however often it arrives (orders and
 * returns also once per order and return id, whatever event brings them). Reminders
 * decided on the way go out once the events are committed; a sender failure is logged, not
 * retried (a reminder is worth less than the risk of sending it twice).
 */
export async function receiveCustomerEvents(ctx: CustomerContext, events: readonly DomainEventWire[]): Promise<number> {
  requireInternalCall(ctx.caller);
  return applyCustomerEvents(ctx, events.map(fromWire));
}

/** What applying events needs: the same for the internal mutation and the event bus consumer. */
export type CustomerEventDeps = Pick<CustomerContext, 'db' | 'reminderSender' | 'loyaltyPointsPerCurrencyUnit'>;

/** Applies delivered events (see `receiveCustomerEvents`); returns how many were new. */
export async function applyCustomerEvents(deps: CustomerEventDeps, events: readonly DomainEvent[]): Promise<number> {
  const reminders: CartReminder[] = [];
  const applied = await consumeEvents(deps.db, processedEvents, TIMELINE_CONSUMER, events, async (tx, event) => {
    const reminder = await applyCustomerEvent(tx, event, { remindersOn: deps.reminderSender !== null, loyaltyPointsPerCurrencyUnit: deps.loyaltyPointsPerCurrencyUnit });
    if (reminder) reminders.push(reminder);
  });
  for (const reminder of reminders) {
    await deps.reminderSender?.send(reminder).catch((error: unknown) => console.error(`[cart reminder] not sent to ${reminder.customerId}: ${error instanceof Error ? error.message : String(error)}`));
  }
  return applied;
}
