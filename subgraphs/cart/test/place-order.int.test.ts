import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { isUniqueViolation, newId } from '@omni/db';
import { createTestDatabase, type TestDatabase } from '@omni/testing';
import { openCartDatabase, type CartDatabase } from '../src/db/database';
import { placeOrder } from '../src/db/order-queries';
import { carts, orderLines, orders, outboxEvents } from '../src/db/schema';
import { rowsOf } from './checkout-helpers';
import { insertCart } from './helpers';

/** `placeOrder`: the cart closed, the order, its lines and the events of a sale in one statement. */
let testDb: TestDatabase;
let database: CartDatabase;

beforeAll(async () => {
  testDb = await createTestDatabase();
  database = await openCartDatabase(testDb.client);
});

afterAll(async () => {
  await testDb?.drop();
});

function sale(cartId: string, idempotencyKey: string) {
  const orderId = newId('ord');
  const order = {
    id: orderId,
    cartId,
    idempotencyKey,
    requestHash: 'hash',
    channel: 'WEB' as const,
    currencyCode: 'EUR',
    subtotalMinor: 3980,
    discountMinor: 0,
    shippingMinor: 0,
    totalMinor: 3980,
    fulfillmentMethod: 'PICKUP' as const,
    fulfillmentLocationId: 'loc_store',
    sourceLocationId: 'loc_store',
    fulfillmentStatus: 'UNFULFILLED' as const,
    reservationId: 'res_1',
    reservationState: 'ACTIVE' as const,
    paymentProvider: 'PAY_AT_PICKUP' as const,
    paymentStatus: 'PENDING' as const,
    paymentReference: 'ref',
  };
  const lines = [1, 2].map((index) => ({
    id: newId('oline'),
    orderId,
    variantId: `var_test_${index}`,
    quantity: 1,
    unitPriceMinor: 1990,
    discountMinor: 0,
    paidMinor: 1990,
    currencyCode: 'EUR',
    addedInChannel: 'WEB' as const,
  }));
  const events = [{ id: newId('evt'), type: 'order.placed', aggregateId: orderId, payload: { orderId } }];
  return { order, writes: { lines, events } };
}

const countOf = async (query: ReturnType<typeof sql>) => rowsOf<{ count: number }>(await database.db.execute(query))[0]!.count;
const written = async (orderId: string) => ({
  orders: await countOf(sql`select count(*)::int as count from ${orders} where id = ${orderId}`),
  lines: await countOf(sql`select count(*)::int as count from ${orderLines} where order_id = ${orderId}`),
  events: await countOf(sql`select count(*)::int as count from ${outboxEvents} where aggregate_id = ${orderId}`),
});

describe('placeOrder', () => {
  it('closes the cart at the version read and writes the order, every line and the events together', async () => {
    const cart = await insertCart(database, { lineCount: 2 });
    const { order, writes } = sale(cart.id, 'key-1');
    const placed = await database.db.transaction((tx) => placeOrder(tx, { id: cart.id, version: 1 }, order, writes));
    expect(placed.cartClosed).toBe(true);
    expect(placed.order).toMatchObject({ id: order.id, cartId: cart.id, totalMinor: 3980, fulfillmentStatus: 'UNFULFILLED' });
    expect(placed.order.placedAt).toBeInstanceOf(Date);
    expect(await written(order.id)).toEqual({ orders: 1, lines: 2, events: 1 });
    const [closed] = await database.db.select().from(carts).where(eq(carts.id, cart.id));
    expect(closed).toMatchObject({ status: 'CHECKED_OUT', version: 2 });
  });

  it('says the cart moved on when it is at another version, so the caller can roll it all back', async () => {
    const cart = await insertCart(database, { lineCount: 2 });
    const { order, writes } = sale(cart.id, 'key-1');
    class RolledBack extends Error {}
    const attempt = database.db.transaction(async (tx) => {
      const placed = await placeOrder(tx, { id: cart.id, version: 7 }, order, writes);
      expect(placed.cartClosed).toBe(false);
      throw new RolledBack();
    });
    await expect(attempt).rejects.toBeInstanceOf(RolledBack);
    expect(await written(order.id)).toEqual({ orders: 0, lines: 0, events: 0 });
    const [untouched] = await database.db.select().from(carts).where(eq(carts.id, cart.id));
    expect(untouched).toMatchObject({ status: 'ACTIVE', version: 1 });
  });

  it('fails as a whole on the unique key when the cart already has an order with that key', async () => {
    const cart = await insertCart(database, { lineCount: 2 });
    const first = sale(cart.id, 'same-key');
    await database.db.insert(orders).values(first.order);
    const second = sale(cart.id, 'same-key');
    const error = await database.db.transaction((tx) => placeOrder(tx, { id: cart.id, version: 1 }, second.order, second.writes)).catch((caught: unknown) => caught);
    expect(isUniqueViolation(error, 'orders_cart_idempotency_key')).toBe(true);
    expect(await written(second.order.id)).toEqual({ orders: 0, lines: 0, events: 0 });
    const [untouched] = await database.db.select().from(carts).where(eq(carts.id, cart.id));
    expect(untouched).toMatchObject({ status: 'ACTIVE', version: 1 });
  });
});
