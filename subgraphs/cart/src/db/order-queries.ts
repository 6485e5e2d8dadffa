import { and, asc, eq, getTableColumns, gt, inArray, sql, type SQL } from 'drizzle-orm';
import { findFirstRowsPerParent, preparedOnce } from '@omni/db';
import { recordOutboxWrite } from '@omni/events';
import type { CartDb } from './database';
import { cartLines, carts, orderLines, orderReturnLines, orderReturns, orders, outboxEvents, type CartLineRow, type CartRow, type FulfillmentStatus, type OrderLineRow, type OrderReturnLineRow, type OrderReturnRow, type OrderRow } from './schema';

const orderColumns = getTableColumns(orders);

export function findOrdersByIds(db: CartDb, ids: readonly string[]): Promise<OrderRow[]> {
  return db.select().from(orders).where(inArray(orders.id, [...ids]));
}

export function findOrderLinesByOrderIds(db: CartDb, orderIds: readonly string[]): Promise<OrderLineRow[]> {
  return db
    .select()
    .from(orderLines)
    .where(inArray(orderLines.orderId, [...orderIds]))
    .orderBy(asc(orderLines.orderId), asc(orderLines.id));
}

export async function findOrderByIdempotencyKey(db: CartDb, cartId: string, idempotencyKey: string): Promise<OrderRow | null> {
  const [row] = await preparedOnce(db, 'orderByIdempotencyKey', (on) =>
    on
      .select()
      .from(orders)
      .where(and(eq(orders.cartId, sql.placeholder('cartId')), eq(orders.idempotencyKey, sql.placeholder('idempotencyKey'))))
      .prepare('cart_order_by_idempotency_key'),
  ).execute({ cartId, idempotencyKey });
  return row ?? null;
}

/** Every line of a cart, oldest first: checkout prices and reserves the whole cart. */
export function findAllCartLines(db: CartDb, cartId: string): Promise<CartLineRow[]> {
  return db.select().from(cartLines).where(eq(cartLines.cartId, cartId)).orderBy(asc(cartLines.id));
}

/** Null when the cart already has an order for this idempotency key (a concurrent duplicate won). */
export async function insertOrderUnlessKeyUsed(tx: CartDb, values: typeof orders.$inferInsert): Promise<OrderRow | null> {
  const [row] = await tx.insert(orders).values(values).onConflictDoNothing({ target: [orders.cartId, orders.idempotencyKey] }).returning();
  return row ?? null;
}

export async function insertOrderLines(tx: CartDb, rows: (typeof orderLines.$inferInsert)[]): Promise<void> {
  if (rows.length > 0) await tx.insert(orderLines).values(rows);
}

/** What `placeOrder` writes besides the order: its lines and the outbox rows of the sale. */
export interface OrderWrites {
  lines: (typeof orderLines.$inferInsert)[];
  events: (typeof outboxEvents.$inferInsert)[];
}

/**
 * The sale in one statement, for a caller inside a transaction: the cart closed while it is still
 * active at the version checkout priced (the update takes the cart lock every writer of the cart
 * takes), the order, its lines and the events. Answers the order and whether the cart was closed;
 * when it was not, the caller rolls the transaction back (`findCartsByIds` tells why). An order
 * with the same key fails the statement on its unique index (`isUniqueViolation`).
 */
export async function placeOrder(tx: CartDb, cart: { id: string; version: number }, order: typeof orders.$inferInsert, writes: OrderWrites): Promise<{ order: OrderRow; cartClosed: boolean }> {
  const closed = tx.$with('closed').as(
    tx
      .update(carts)
      .set({ status: 'CHECKED_OUT', version: sql`${carts.version} + 1`, updatedAt: sql`now()` })
      .where(and(eq(carts.id, cart.id), eq(carts.status, 'ACTIVE'), eq(carts.version, cart.version)))
      .returning({ id: carts.id }),
  );
  // Data-modifying parts run to completion whether or not the rest reads them; the lines'
  // reference to the order is checked at the end of the statement, after the order is in.
  const parts = [
    ...(writes.lines.length > 0 ? [tx.$with('lines_written').as(tx.insert(orderLines).values(writes.lines))] : []),
    ...(writes.events.length > 0 ? [tx.$with('events_written').as(tx.insert(outboxEvents).values(writes.events))] : []),
  ];
  const [row] = await tx
    .with(closed, ...parts)
    .insert(orders)
    .values(order)
    .returning({ ...orderColumns, cartClosed: sql<boolean>`exists (select 1 from ${closed})`.mapWith(Boolean) });
  if (!row) throw new Error(`The order of cart ${cart.id} was not written`);
  if (writes.events.length > 0) recordOutboxWrite(tx, outboxEvents);
  const { cartClosed, ...placed } = row;
  return { order: placed, cartClosed };
}

/** Sets the price of lines to the catalog's current one, as checkout found it. */
export async function setCartLinePrices(tx: CartDb, cartId: string, changes: readonly { lineId: string; unitPriceMinor: number }[]): Promise<void> {
  if (changes.length === 0) return;
  const cases = changes.map((change) => sql`when ${change.lineId} then ${change.unitPriceMinor}::bigint`);
  await tx
    .update(cartLines)
    .set({ unitPriceMinor: sql`case ${cartLines.id} ${sql.join(cases, sql` `)} end`, updatedAt: sql`now()` })
    .where(and(eq(cartLines.cartId, cartId), inArray(cartLines.id, changes.map((change) => change.lineId))));
}

/** Records what happened after the order was written (stock committed, payment captured, usage confirmed), in one statement. */
export async function updateOrderSettlement(
  db: CartDb,
  orderId: string,
  changes: Partial<Pick<OrderRow, 'reservationState' | 'paymentStatus' | 'capturedMinor' | 'promotionHoldState'>>,
): Promise<OrderRow> {
  const [row] = await db
    .update(orders)
    .set({ ...changes, updatedAt: sql`now()` })
    .where(eq(orders.id, orderId))
    .returning();
  if (!row) throw new Error(`Order ${orderId} vanished`);
  return row;
}

/** Up to `limit + 1` orders of each customer after the cursor, oldest first, in one statement. */
export function findOrderPagesOfCustomers(db: CartDb, customerIds: readonly string[], page: { limit: number; after: string | null }): Promise<OrderRow[]> {
  const filters: SQL[] = [inArray(orders.customerId, [...customerIds])];
  if (page.after !== null) filters.push(gt(orders.id, page.after));
  return findFirstRowsPerParent(db, { table: orders, parent: orders.customerId, where: and(...filters), orderBy: [asc(orders.id)], limit: page.limit + 1 });
}

export async function countOrdersOfCustomers(db: CartDb, customerIds: readonly string[]): Promise<{ customerId: string; count: number }[]> {
  const rows = await db
    .select({ customerId: orders.customerId, count: sql<number>`count(*)::integer` })
    .from(orders)
    .where(inArray(orders.customerId, [...customerIds]))
    .groupBy(orders.customerId);
  return rows.map((row) => ({ customerId: row.customerId!, count: Number(row.count) }));
}

/**
 * Moves an order's fulfillment on only from the statuses allowed before it: concurrent clicks at
 * the till cannot apply a step twice. With `takePendingPayment`, a payment still PENDING (pay at
 * pickup) is taken by the same statement: all the points did not pay. Null when the order was not
 * in one of `from`.
 */
export async function advanceFulfillment(
  tx: CartDb,
  orderId: string,
  from: readonly FulfillmentStatus[],
  to: FulfillmentStatus,
  options: { takePendingPayment?: boolean } = {},
): Promise<OrderRow | null> {
  const pending = sql`${orders.paymentStatus} = 'PENDING'`;
  const [row] = await tx
    .update(orders)
    .set({
      fulfillmentStatus: to,
      ...(options.takePendingPayment
        ? {
            paymentStatus: sql`case when ${pending} then 'CAPTURED' else ${orders.paymentStatus} end`,
            capturedMinor: sql`case when ${pending} then ${orders.totalMinor} - ${orders.pointsPaid} else ${orders.capturedMinor} end`,
          }
        : {}),
      updatedAt: sql`now()`,
    })
    .where(and(eq(orders.id, orderId), inArray(orders.fulfillmentStatus, [...from])))
    .returning();
  return row ?? null;
}

export async function findReturnByIdempotencyKey(db: CartDb, orderId: string, idempotencyKey: string): Promise<OrderReturnRow | null> {
  const [row] = await db
    .select()
    .from(orderReturns)
    .where(and(eq(orderReturns.orderId, orderId), eq(orderReturns.idempotencyKey, idempotencyKey)));
  return row ?? null;
}

export function findReturnsByOrderIds(db: CartDb, orderIds: readonly string[]): Promise<OrderReturnRow[]> {
  return db
    .select()
    .from(orderReturns)
    .where(inArray(orderReturns.orderId, [...orderIds]))
    .orderBy(asc(orderReturns.orderId), asc(orderReturns.id));
}

export function findReturnLinesByReturnIds(db: CartDb, returnIds: readonly string[]): Promise<OrderReturnLineRow[]> {
  return db
    .select()
    .from(orderReturnLines)
    .where(inArray(orderReturnLines.returnId, [...returnIds]))
    .orderBy(asc(orderReturnLines.returnId), asc(orderReturnLines.id));
}

/** Locks the order until the transaction ends: every return of an order takes this lock first. */
export async function lockOrder(tx: CartDb, orderId: string): Promise<OrderRow | null> {
  const [row] = await tx.select().from(orders).where(eq(orders.id, orderId)).for('update');
  return row ?? null;
}

export function findOrderLines(tx: CartDb, orderId: string): Promise<OrderLineRow[]> {
  return tx.select().from(orderLines).where(eq(orderLines.orderId, orderId)).orderBy(asc(orderLines.id));
}

/**
 * Inserts the return, its lines, and adds them to the order's lines and refunds, in the caller's
 * transaction: the order's `refunded_minor` counts the money the payment provider gives back,
 * `points_refunded` the points; the payment is REFUNDED once both reached what was paid.
 */
export async function recordReturn(
  tx: CartDb,
  values: typeof orderReturns.$inferInsert,
  lines: (typeof orderReturnLines.$inferInsert)[],
): Promise<{ orderReturn: OrderReturnRow; order: OrderRow }> {
  const [orderReturn] = await tx.insert(orderReturns).values(values).returning();
  if (!orderReturn) throw new Error('The return was not written');
  await tx.insert(orderReturnLines).values(lines);
  for (const line of lines) {
    await tx
      .update(orderLines)
      .set({
        returnedQuantity: sql`${orderLines.returnedQuantity} + ${line.quantity}`,
        refundedMinor: sql`${orderLines.refundedMinor} + ${line.refundMinor}`,
        pointsRefunded: sql`${orderLines.pointsRefunded} + ${line.refundPoints ?? 0}`,
      })
      .where(eq(orderLines.id, line.orderLineId));
  }
  const refunded = sql`${orders.refundedMinor} + ${orderReturn.refundMinor - orderReturn.refundPoints}`;
  const pointsRefunded = sql`${orders.pointsRefunded} + ${orderReturn.refundPoints}`;
  const [order] = await tx
    .update(orders)
    .set({
      refundedMinor: refunded,
      pointsRefunded,
      paymentStatus: sql`case when ${refunded} >= ${orders.capturedMinor} and ${pointsRefunded} >= ${orders.pointsPaid} then 'REFUNDED' else 'PARTIALLY_REFUNDED' end`,
      updatedAt: sql`now()`,
    })
    .where(eq(orders.id, orderReturn.orderId))
    .returning();
  if (!order) throw new Error(`Order ${orderReturn.orderId} vanished while locked`);
  return { orderReturn, order };
}

export async function markReturnSettled(db: CartDb, returnId: string): Promise<OrderReturnRow> {
  const [row] = await db.update(orderReturns).set({ settledAt: sql`now()` }).where(eq(orderReturns.id, returnId)).returning();
  if (!row) throw new Error(`Return ${returnId} vanished`);
  return row;
}
