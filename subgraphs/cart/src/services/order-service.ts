import { z } from 'zod';
import { worksAt } from '@omni/auth';
import { publishEvent } from '@omni/events';
import { fail, isIdKey, pageRequest, requireStaffScope, succeed, toConnection, userError, userErrorsFromIssues, type ConnectionArgs, type Outcome } from '@omni/graphql';
import type { CartContext } from '../context';
import { advanceFulfillment } from '../db/order-queries';
import { outboxEvents, type FulfillmentMethod, type FulfillmentStatus, type OrderLineRow, type OrderRow } from '../db/schema';
import { assertAccess, cartAccess, cartAccessAfterMerges, customerCartAccessAfterMerges } from './cart-access';

/** Orders follow the rule of the cart they came from: their shopper, and staff who may read carts. */
export async function getOrder(ctx: CartContext, id: string): Promise<OrderRow | null> {
  assertAccess(cartAccess(ctx.caller, 'read'), 'You may not read orders');
  const order = await ctx.loaders.orderById.load(id);
  if (!order) return null;
  assertAccess(await cartAccessAfterMerges(ctx, 'read', order), 'You may only read your own orders');
  return order;
}

export function listOrderLines(ctx: CartContext, order: OrderRow): Promise<OrderLineRow[]> {
  return ctx.loaders.orderLinesByOrderId.load(order.id);
}

/** `Customer.orders`, oldest first; one statement per page for any number of customers, plus one for the counts when asked. */
export async function listOrdersOfCustomer(ctx: CartContext, customerId: string, args: ConnectionArgs) {
  assertAccess(await customerCartAccessAfterMerges(ctx, customerId), "You may not read this customer's orders");
  const page = pageRequest(args, isIdKey);
  const rows = await ctx.loaders.orderPagesByCustomerId.load(customerId, page);
  return { ...toConnection(rows, page, (order) => order.id), countOrders: async () => (await ctx.loaders.orderCountByCustomerId.load(customerId))?.count ?? 0 };
}

const orderIdInput = z.object({ orderId: z.string().min(1, 'must not be empty') });
export type OrderIdInput = z.input<typeof orderIdInput>;

interface Step {
  /** Methods the step applies to. */
  methods: readonly FulfillmentMethod[];
  from: readonly FulfillmentStatus[];
  to: FulfillmentStatus;
  /** Statuses at or past the step: asking again answers the order as it is. */
  done: readonly FulfillmentStatus[];
  takePendingPayment?: boolean;
}

export const FULFILLMENT_STEPS = {
  readyForPickup: { methods: ['PICKUP'], from: ['UNFULFILLED'], to: 'READY_FOR_PICKUP', done: ['READY_FOR_PICKUP', 'PICKED_UP'] },
  pickedUp: { methods: ['PICKUP'], from: ['READY_FOR_PICKUP'], to: 'PICKED_UP', done: ['PICKED_UP'], takePendingPayment: true },
  shipped: { methods: ['DELIVERY', 'SHIP_FROM_STORE'], from: ['UNFULFILLED'], to: 'SHIPPED', done: ['SHIPPED'] },
} as const satisfies Record<string, Step>;


/**
 * Moves an order's fulfillment one step (ready for pickup, picked up, shipped). Repeating a step
 * that already happened answers the order unchanged, so a double click at the till is harmless.
 * Stock does not move here: it left stock on hand when the order was placed.
 */
export async function advanceOrderFulfillment(ctx: CartContext, step: Step, rawInput: OrderIdInput): Promise<Outcome<OrderRow>> {
  requireStaffScope(ctx.caller, 'orders:fulfil', 'Only store and warehouse staff fulfil orders');
  const parsed = orderIdInput.safeParse(rawInput);
  if (!parsed.success) return fail(...userErrorsFromIssues(parsed.error.issues));
  const field = ['input', 'orderId'];
  const order = await ctx.loaders.orderById.load(parsed.data.orderId);
  if (!order) return fail(userError('NOT_FOUND', 'No such order', field));
  // Staff work the orders of their own location (collected at or shipped from it); admins any.
  if (!worksAt(ctx.caller, order.fulfillmentLocationId)) return fail(userError('FORBIDDEN', 'The order is fulfilled at another location', field));
  if (!step.methods.includes(order.fulfillmentMethod)) {
    return fail(userError('INVALID_STATE', `A ${order.fulfillmentMethod} order cannot become ${step.to}`, field));
  }
  const outcome = await ctx.db.transaction(async (tx): Promise<Outcome<OrderRow>> => {
    const advanced = await advanceFulfillment(tx, order.id, step.from, step.to, { takePendingPayment: step.takePendingPayment ?? false });
    if (!advanced) return fail(userError('INVALID_STATE', `The order cannot become ${step.to} now`, field));
    await publishEvent(tx, outboxEvents, {
      type: 'order.fulfillment_changed',
      aggregateId: advanced.id,
      payload: { orderId: advanced.id, customerId: advanced.customerId, status: advanced.fulfillmentStatus, locationId: advanced.fulfillmentLocationId, staffId: ctx.caller.staffId ?? null, channel: ctx.caller.channel },
      occurredAt: advanced.updatedAt,
    });
    return succeed(advanced);
  });
  if (outcome.ok) {
    ctx.loaders.orderById.clear(order.id).prime(order.id, outcome.value);
    return outcome;
  }
  // Lost the race to the same step, or it happened before: the order as it is now is the answer.
  ctx.loaders.orderById.clear(order.id);
  const current = await ctx.loaders.orderById.load(order.id);
  if (current && step.done.includes(current.fulfillmentStatus)) return succeed(current);
  return outcome;
}
