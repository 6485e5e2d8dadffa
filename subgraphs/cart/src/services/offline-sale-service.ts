import { createHash } from 'node:crypto';
import { z } from 'zod';
import { worksAt } from '@omni/auth';
import { isIdOf, newId } from '@omni/db';
import { publishEvent } from '@omni/events';
import {
  fail,
  forbidden,
  isCurrencyCode,
  isUsableIdempotencyKey,
  MoneyFormatError,
  succeed,
  toMinorUnits,
  unauthenticated,
  UNUSABLE_IDEMPOTENCY_KEY,
  userError,
  userErrorsFromIssues,
  type Outcome,
} from '@omni/graphql';
import type { CartContext } from '../context';
import type { OfflineSaleStock } from '../clients/catalog-client';
import { cartLines, carts, MAX_LINE_QUANTITY, outboxEvents, type OrderRow } from '../db/schema';
import { findOrderByIdempotencyKey, insertOrderLines, insertOrderUnlessKeyUsed } from '../db/order-queries';
import { DEFAULT_CART_CURRENCY } from './cart-service';

/** A till's clock may run ahead this much; further ahead is a broken clock. */
const MAX_CLOCK_AHEAD_MS = 5 * 60_000;
/** Oldest sale a till may still upload. */
const MAX_SALE_AGE_MS = 30 * 24 * 3_600_000;

const recordOfflineSaleInput = z.object({
  storeId: z.string().refine((id) => isIdOf('loc', id), 'must be a location id'),
  receiptId: z.string().min(1, 'must not be empty').max(100, 'must be at most 100 characters').refine(isUsableIdempotencyKey, UNUSABLE_IDEMPOTENCY_KEY),
  soldAt: z
    .date()
    .refine((date) => date.getTime() <= Date.now() + MAX_CLOCK_AHEAD_MS, 'is in the future; check the till clock')
    .refine((date) => date.getTime() >= Date.now() - MAX_SALE_AGE_MS, 'is more than 30 days ago'),
  cashierId: z.string().refine((id) => isIdOf('staff', id), 'must be a staff id').nullish(),
  customerId: z.string().refine((id) => isIdOf('cus', id), 'must be a customer id').nullish(),
  currencyCode: z.string().refine(isCurrencyCode, 'must be an ISO 4217 currency code such as "EUR"').nullish(),
  lines: z
    .array(
      z.object({
        variantId: z.string().refine((id) => isIdOf('var', id), 'must be a variant id'),
        quantity: z.int('must be a whole number').min(1, `must be between 1 and ${MAX_LINE_QUANTITY}`).max(MAX_LINE_QUANTITY, `must be between 1 and ${MAX_LINE_QUANTITY}`),
        unitPrice: z.string().max(30, 'must be at most 30 characters'),
      }),
    )
    .min(1, 'must contain at least one line')
    .max(100, 'must contain at most 100 lines')
    .superRefine((lines, ctx) => {
      const seen = new Set<string>();
      lines.forEach((line, index) => {
        if (seen.has(line.variantId)) ctx.addIssue({ code: 'custom', message: 'is listed more than once', path: [index, 'variantId'] });
        seen.add(line.variantId);
      });
    }),
});
export type RecordOfflineSaleInput = z.input<typeof recordOfflineSaleInput>;
type ParsedSale = z.output<typeof recordOfflineSaleInput>;

export interface OfflineSaleResult {
  order: OrderRow;
  /** False when the catalog could not be reached: the order is recorded, uploading again moves the stock. */
  stockRecorded: boolean;
  /** Levels the sale left short (shortfall above 0), for staff to count. */
  shortfalls: OfflineSaleStock['lines'];
}

/**
 * The order's cart id follows from the store and the receipt, so every upload of one receipt
 * races for one row: the first commits, the others find its order.
 */
function offlineCartId(storeId: string, receiptId: string): string {
  const digest = createHash('sha256').update(`offline-sale:${storeId}:${receiptId}`).digest();
  const alphabet = '0123456789abcdefghjkmnpqrstvwxyz';
  let id = '';
  for (let i = 0; i < 26; i += 1) id += alphabet[digest[i]! % 32];
  return `cart_${id}`;
}

function requestHashOf(sale: ParsedSale, cashierId: string | null, currencyCode: string): string {
  const canonical = JSON.stringify([sale.storeId, sale.receiptId, sale.soldAt.toISOString(), cashierId, sale.customerId ?? null, currencyCode, sale.lines.map((line) => [line.variantId, line.quantity, line.unitPrice])]);
  return createHash('sha256').update(canonical).digest('hex');
}

/** Store staff at that store, and admins; other staff and shoppers never record sales. */
function checkRecorder(ctx: CartContext, storeId: string): Outcome<null> {
  const { caller } = ctx;
  if (caller.kind === 'anonymous') throw unauthenticated();
  if (caller.kind === 'admin') return succeed(null);
  if (caller.kind !== 'staff' || (caller.staffRole !== 'CASHIER' && caller.staffRole !== 'STORE_MANAGER')) throw forbidden('Only store staff record offline sales');
  return worksAt(caller, storeId) ? succeed(null) : fail(userError('FORBIDDEN', 'You may only record sales of your own store', ['input', 'storeId']));
}

/**
 * `recordOfflineSale`: a till that sold for cash while offline uploads the sale. It becomes a
 * collected, cash-paid order at the store credited to the cashier, idempotent by the store and the
 * till's receipt id (uploads of one receipt, also concurrent ones, make one order). After the order
 * commits, the catalog takes the units off the store's stock, below zero if need be, flagging the
 * shortfall instead of refusing: the goods have left. A replay finishes that step if it did not happen.
 */
export async function recordOfflineSale(ctx: CartContext, rawInput: RecordOfflineSaleInput): Promise<Outcome<OfflineSaleResult>> {
  const parsed = recordOfflineSaleInput.safeParse(rawInput);
  if (!parsed.success) return fail(...userErrorsFromIssues(parsed.error.issues));
  const sale = parsed.data;
  const allowed = checkRecorder(ctx, sale.storeId);
  if (!allowed.ok) return allowed;
  const cashierId = sale.cashierId ?? ctx.caller.staffId ?? null;
  const currencyCode = sale.currencyCode ?? DEFAULT_CART_CURRENCY;
  const prices: number[] = [];
  for (const [index, line] of sale.lines.entries()) {
    try {
      const minor = toMinorUnits(line.unitPrice, currencyCode);
      if (minor < 0) return fail(userError('INVALID', 'must not be negative', ['input', 'lines', index, 'unitPrice']));
      prices.push(minor);
    } catch (error) {
      if (error instanceof MoneyFormatError) return fail(userError('INVALID', error.message, ['input', 'lines', index, 'unitPrice']));
      throw error;
    }
  }
  const cartId = offlineCartId(sale.storeId, sale.receiptId);
  const requestHash = requestHashOf(sale, cashierId, currencyCode);

  const replay = async (): Promise<Outcome<OfflineSaleResult> | null> => {
    const order = await findOrderByIdempotencyKey(ctx.db, cartId, sale.receiptId);
    if (!order) return null;
    if (order.requestHash !== requestHash) return fail(userError('IDEMPOTENCY_KEY_REUSED', 'This receipt was uploaded with other content', ['input', 'receiptId']));
    return succeed(await settleStock(ctx, order, sale));
  };
  const earlier = await replay();
  if (earlier) return earlier;

  const [store, snapshots, customerId] = await Promise.all([
    ctx.catalog.location(sale.storeId),
    ctx.catalog.variantSnapshots(sale.lines.map((line) => line.variantId), 'POS', currencyCode),
    sale.customerId ? ctx.customers.currentCustomerId(sale.customerId) : Promise.resolve(null),
  ]);
  if (!store) return fail(userError('NOT_FOUND', 'No such store', ['input', 'storeId']));
  if (store.kind !== 'STORE') return fail(userError('INVALID', 'Sales happen at stores, not warehouses', ['input', 'storeId']));
  // A variant withdrawn or sold out since is still what was sold; only an unknown one is refused.
  const unknown = sale.lines.flatMap((line, index) => (snapshots.get(line.variantId) ? [] : [userError('NOT_FOUND', 'No such product variant', ['input', 'lines', index, 'variantId'])]));
  if (unknown.length > 0) return fail(...unknown);
  if (sale.customerId && !customerId) return fail(userError('NOT_FOUND', 'No such customer', ['input', 'customerId']));

  const subtotalMinor = sale.lines.reduce((sum, line, index) => sum + line.quantity * prices[index]!, 0);
  const placed = await ctx.db.transaction(async (tx) => {
    // The cart of the sale, closed from the start: the order points at it like every order.
    const [cart] = await tx
      .insert(carts)
      .values({ id: cartId, customerId, channel: 'POS', status: 'CHECKED_OUT', currencyCode, storeId: sale.storeId, lineCount: sale.lines.length, totalQuantity: sale.lines.reduce((sum, line) => sum + line.quantity, 0), subtotalMinor, createdAt: sale.soldAt, updatedAt: sale.soldAt })
      .onConflictDoNothing()
      .returning();
    if (!cart) return null;
    await tx.insert(cartLines).values(
      sale.lines.map((line, index) => ({ id: newId('line'), cartId, variantId: line.variantId, quantity: line.quantity, unitPriceMinor: prices[index]!, currencyCode, addedInChannel: 'POS' as const, addedByStaffId: cashierId })),
    );
    const order = await insertOrderUnlessKeyUsed(tx, {
      id: newId('ord'),
      cartId,
      idempotencyKey: sale.receiptId,
      requestHash,
      customerId,
      channel: 'POS',
      staffId: cashierId,
      currencyCode,
      subtotalMinor,
      discountMinor: 0,
      shippingMinor: 0,
      totalMinor: subtotalMinor,
      fulfillmentMethod: 'PICKUP',
      fulfillmentLocationId: sale.storeId,
      sourceLocationId: sale.storeId,
      fulfillmentStatus: 'PICKED_UP',
      // Nothing was reserved: the goods left the shelf at the till.
      reservationId: `offline:${sale.receiptId}`,
      reservationState: 'COMMITTED',
      paymentProvider: 'CASH',
      paymentStatus: 'CAPTURED',
      paymentReference: `receipt:${sale.receiptId}`,
      capturedMinor: subtotalMinor,
      placedAt: sale.soldAt,
    });
    if (!order) throw new Error('An offline sale cart was new but its order was not');
    await insertOrderLines(
      tx,
      sale.lines.map((line, index) => ({
        id: newId('oline'),
        orderId: order.id,
        variantId: line.variantId,
        quantity: line.quantity,
        unitPriceMinor: prices[index]!,
        discountMinor: 0,
        paidMinor: line.quantity * prices[index]!,
        currencyCode,
        addedInChannel: 'POS' as const,
        addedByStaffId: cashierId,
      })),
    );
    await publishEvent(tx, outboxEvents, {
      type: 'order.placed',
      aggregateId: order.id,
      payload: { orderId: order.id, cartId, customerId: order.customerId, channel: order.channel, staffId: order.staffId, totalMinor: order.totalMinor, loyaltyPointsPaid: 0, moneyPaidMinor: order.totalMinor, currencyCode, fulfillmentMethod: 'PICKUP', locationId: sale.storeId, sourceLocationId: sale.storeId, offline: true },
      occurredAt: order.placedAt,
    });
    return order;
  });
  if (!placed) {
    // A concurrent upload of the same receipt committed first.
    const winner = await replay();
    if (!winner) throw new Error('An offline sale lost the race to an upload that left no order');
    return winner;
  }
  return succeed(await settleStock(ctx, placed, sale));
}

/** The catalog's part, after the order committed: idempotent by store and receipt, so a replay may repeat it. */
async function settleStock(ctx: CartContext, order: OrderRow, sale: ParsedSale): Promise<OfflineSaleResult> {
  try {
    const stock = await ctx.catalog.recordOfflineSaleStock({
      locationId: sale.storeId,
      receiptId: sale.receiptId,
      staffId: order.staffId,
      lines: sale.lines.map(({ variantId, quantity }) => ({ variantId, quantity })),
    });
    if (stock.userErrors.length > 0) {
      console.error(`[offline sale] the catalog refused the stock of order ${order.id}: ${stock.userErrors.map((error) => error.code).join(', ')}`);
      return { order, stockRecorded: false, shortfalls: [] };
    }
    return { order, stockRecorded: true, shortfalls: stock.lines.filter((line) => line.shortfallAfter > 0) };
  } catch (error) {
    console.error(`[offline sale] stock of order ${order.id} not recorded yet: ${error instanceof Error ? error.message : String(error)}`);
    return { order, stockRecorded: false, shortfalls: [] };
  }
}

