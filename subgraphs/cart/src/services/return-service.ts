import { createHash } from 'node:crypto';
import { z } from 'zod';
import { isIdOf, newId } from '@omni/db';
import { publishEvent } from '@omni/events';
import { fail, isUsableIdempotencyKey, requireStaffScope, succeed, UNUSABLE_IDEMPOTENCY_KEY, userError, userErrorsFromIssues, type Outcome } from '@omni/graphql';
import type { CartContext } from '../context';
import { findOrderLines, findReturnByIdempotencyKey, lockOrder, markReturnSettled, recordReturn } from '../db/order-queries';
import { outboxEvents, type OrderReturnLineRow, type OrderReturnRow, type OrderRow } from '../db/schema';
import { planReturn } from './return-plan';

const returnOrderLinesInput = z.object({
  orderId: z.string().min(1, 'must not be empty'),
  idempotencyKey: z.string().min(1, 'must not be empty').max(200, 'must be at most 200 characters').refine(isUsableIdempotencyKey, UNUSABLE_IDEMPOTENCY_KEY),
  locationId: z
    .string()
    .refine((id) => isIdOf('loc', id), 'must be a location id')
    .nullish(),
  reason: z.string().trim().max(500, 'must be at most 500 characters').nullish(),
  lines: z
    .array(z.object({ orderLineId: z.string().min(1, 'must not be empty'), quantity: z.int('must be a whole number').min(1, 'must be at least 1').max(999, 'must be at most 999') }))
    .min(1, 'must contain at least one line')
    .max(100, 'must contain at most 100 lines')
    .superRefine((lines, ctx) => {
      const seen = new Set<string>();
      lines.forEach((line, index) => {
        if (seen.has(line.orderLineId)) ctx.addIssue({ code: 'custom', message: 'is listed more than once', path: [index, 'orderLineId'] });
        seen.add(line.orderLineId);
      });
    }),
});
export type ReturnOrderLinesInput = z.input<typeof returnOrderLinesInput>;
type ParsedReturn = z.output<typeof returnOrderLinesInput>;

export interface ReturnResult {
  orderReturn: OrderReturnRow;
  order: OrderRow;
}

function requestHashOf(input: ParsedReturn, locationId: string): string {
  const lines = [...input.lines].sort((a, b) => a.orderLineId.localeCompare(b.orderLineId)).map((line) => [line.orderLineId, line.quantity]);
  return createHash('sha256').update(JSON.stringify([locationId, lines])).digest('hex');
}

/**
 * Takes back units of an order, whatever channel it was placed in, at the caller's location: the
 * refund of each line is its share of what was paid (never more, see `refundFor`), split into the
 * points and the money that paid for those units (see `splitRefund`); the units go back on hand at
 * that location. The payment provider refunds the money; the points go back to the customer
 * through `order.returned`, which the customer subgraph applies once. The order row is locked while the return is recorded, so
 * concurrent returns of one order never return a unit twice. Money and stock move after the
 * commit, each under an idempotency key derived from the return, and a replay with the same key
 * finishes whatever an interrupted attempt left.
 */
export async function returnOrderLines(ctx: CartContext, rawInput: ReturnOrderLinesInput): Promise<Outcome<ReturnResult>> {
  const caller = ctx.caller;
  requireStaffScope(caller, 'returns:write', 'Returns are taken by store staff');
  const parsed = returnOrderLinesInput.safeParse(rawInput);
  if (!parsed.success) return fail(...userErrorsFromIssues(parsed.error.issues));
  const input = parsed.data;

  // Staff take returns where they stand; admins name the location.
  const locationId = caller.kind === 'staff' ? caller.locationId : input.locationId;
  if (!locationId) return fail(userError('INVALID', 'is required to know where the units come back', ['input', 'locationId']));
  if (caller.kind === 'staff' && input.locationId && input.locationId !== caller.locationId) {
    return fail(userError('FORBIDDEN', 'Returns are restocked at your own location', ['input', 'locationId']));
  }
  const requestHash = requestHashOf(input, locationId);

  const order = await ctx.loaders.orderById.load(input.orderId);
  if (!order) return fail(userError('NOT_FOUND', 'No such order', ['input', 'orderId']));
  const earlier = await replay(ctx, order.id, input.idempotencyKey, requestHash);
  if (earlier) return earlier;
  if (order.fulfillmentStatus !== 'PICKED_UP' && order.fulfillmentStatus !== 'SHIPPED') {
    return fail(userError('INVALID_STATE', 'Only orders the shopper received can be returned', ['input', 'orderId']));
  }

  let recorded: Outcome<ReturnResult> | 'replay';
  try {
    recorded = await ctx.db.transaction(async (tx): Promise<Outcome<ReturnResult> | 'replay'> => {
      const locked = await lockOrder(tx, order.id);
      if (!locked) throw new Error(`Order ${order.id} vanished`);
      // A concurrent request with the same key may have recorded it while this one waited for the lock.
      if (await findReturnByIdempotencyKey(tx, order.id, input.idempotencyKey)) return 'replay';
      if (locked.paymentStatus !== 'CAPTURED' && locked.paymentStatus !== 'PARTIALLY_REFUNDED') {
        return fail(userError('INVALID_STATE', 'Nothing paid for this order is left to refund', ['input', 'orderId']));
      }
      const plan = planReturn(await findOrderLines(tx, order.id), input.lines);
      if (!plan.ok) return plan;
      const refundMinor = plan.value.reduce((sum, line) => sum + line.refundMinor, 0);
      const refundPoints = plan.value.reduce((sum, line) => sum + line.refundPoints, 0);
      const returnId = newId('ret');
      const result = await recordReturn(
        tx,
        {
          id: returnId,
          orderId: order.id,
          idempotencyKey: input.idempotencyKey,
          requestHash,
          locationId,
          staffId: caller.staffId ?? null,
          channel: caller.channel,
          reason: input.reason ?? null,
          refundMinor,
          refundPoints,
          currencyCode: locked.currencyCode,
        },
        plan.value.map((line) => ({ id: newId('rline'), returnId, ...line })),
      );
      await publishEvent(tx, outboxEvents, {
        type: 'order.returned',
        aggregateId: order.id,
        payload: { orderId: order.id, returnId, customerId: locked.customerId, locationId, channel: caller.channel, staffId: caller.staffId ?? null, refundMinor, refundMoneyMinor: refundMinor - refundPoints, refundPoints, currencyCode: locked.currencyCode },
        occurredAt: result.orderReturn.createdAt,
      });
      return succeed(result);
    });
  } catch (error) {
    // A concurrent request with the same key recorded the return first; ours rolled back whole.
    const winner = await replay(ctx, order.id, input.idempotencyKey, requestHash);
    if (winner) return winner;
    throw error;
  }
  if (recorded === 'replay') {
    const winner = await replay(ctx, order.id, input.idempotencyKey, requestHash);
    if (!winner) throw new Error(`Return ${input.idempotencyKey} of order ${order.id} vanished`);
    return winner;
  }
  if (!recorded.ok) return recorded;
  ctx.loaders.orderById.clear(order.id);
  return succeed({ orderReturn: await settleReturn(ctx, recorded.value.orderReturn, recorded.value.order), order: recorded.value.order });
}

async function replay(ctx: CartContext, orderId: string, idempotencyKey: string, requestHash: string): Promise<Outcome<ReturnResult> | null> {
  const existing = await findReturnByIdempotencyKey(ctx.db, orderId, idempotencyKey);
  if (!existing) return null;
  if (existing.requestHash !== requestHash) {
    return fail(userError('IDEMPOTENCY_KEY_REUSED', 'This idempotency key was used for a different return of this order', ['input', 'idempotencyKey']));
  }
  ctx.loaders.orderById.clear(orderId);
  const order = await ctx.loaders.orderById.load(orderId);
  if (!order) throw new Error(`Order ${orderId} vanished`);
  return succeed({ orderReturn: await settleReturn(ctx, existing, order), order });
}

/**
 * Refund the money part through the order's payment provider and restock in the catalog, each
 * once per return. The points part is not sent anywhere from here: `order.returned` carries it.
 */
async function settleReturn(ctx: CartContext, orderReturn: OrderReturnRow, order: OrderRow): Promise<OrderReturnRow> {
  if (orderReturn.settledAt) return orderReturn;
  const lines: OrderReturnLineRow[] = await ctx.loaders.returnLinesByReturnId.load(orderReturn.id);
  const refundMoneyMinor = orderReturn.refundMinor - orderReturn.refundPoints;
  if (refundMoneyMinor > 0) {
    await ctx.payments[order.paymentProvider].refund(order.paymentReference, refundMoneyMinor, `refund:${orderReturn.id}`);
  }
  for (const line of lines) {
    const restocked = await ctx.catalog.restockReturned({
      variantId: line.variantId,
      locationId: orderReturn.locationId,
      quantity: line.quantity,
      staffId: orderReturn.staffId,
      note: `${order.id} / ${orderReturn.id}`,
      idempotencyKey: `return:${line.id}`,
    });
    if (restocked.userErrors.length > 0) {
      throw new Error(`Return ${orderReturn.id} could not be restocked: ${restocked.userErrors.map((error) => error.message).join('; ')}`);
    }
  }
  return markReturnSettled(ctx.db, orderReturn.id);
}
