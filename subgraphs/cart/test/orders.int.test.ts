import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { newId } from '@omni/db';
import { callers, expectData, onPostgresServer } from '@omni/testing';
import { orderLines, orders } from '../src/db/schema';
import {
  ADDRESS,
  BERLIN,
  CASHIER,
  HAMBURG,
  WAREHOUSE,
  checkoutAs,
  customerWithCart,
  freshVariant,
  rowsOf,
  setStock,
  startCheckoutHarness,
  stockAt,
  type CheckoutHarness,
} from './checkout-helpers';

let h: CheckoutHarness;

beforeAll(async () => {
  h = await startCheckoutHarness();
});

afterAll(async () => {
  await h?.stop();
});

const ORDER_FIELDS = 'id fulfillment { status } payment { status captured { amount } } total { amount }';
const step = (name: string) => `mutation($input: ${name[0]!.toUpperCase()}${name.slice(1)}Input!) { ${name}(input: $input) { order { ${ORDER_FIELDS} } userErrors { code field message } } }`;
interface StepView {
  order: { id: string; fulfillment: { status: string }; payment: { status: string; captured: { amount: string } }; total: { amount: string } } | null;
  userErrors: { code: string; field: string[] | null }[];
}
async function run(client: ReturnType<CheckoutHarness['as']>, name: string, orderId: string): Promise<StepView> {
  return expectData(await client(step(name), { input: { orderId } }))[name] as StepView;
}

async function pickupOrder(locationId: string, stock: number) {
  const variant = freshVariant();
  await setStock(h, variant.id, locationId, stock);
  const shopper = await customerWithCart(h, variant.id, 1);
  const placed = await checkoutAs(shopper.client, { cartId: shopper.cartId, idempotencyKey: 'bopis', fulfillment: { method: 'PICKUP', locationId }, payment: { provider: 'PAY_AT_PICKUP' } });
  expect(placed.userErrors).toEqual([]);
  return { variant, shopper, order: placed.order! };
}

async function countEvents(orderId: string, type: string): Promise<number> {
  const [row] = rowsOf<{ count: number }>(await h.cartDatabase.db.execute(sql`select count(*)::int as count from cart.outbox_events where aggregate_id = ${orderId} and type = ${type}`));
  return Number(row!.count);
}

describe('pickup in store (BOPIS)', () => {
  it('becomes ready, is collected at that store and paid there; stock there went down exactly once', async () => {
    const { variant, shopper, order } = await pickupOrder(BERLIN.id, 3);
    expect(await stockAt(h, variant.id, BERLIN.id)).toEqual({ onHand: 2, reserved: 0 });
    const till = h.as(callers.staff(CASHIER.id, BERLIN.id, 'POS'));
    const elsewhere = h.as(callers.staff('staff_hamburg', HAMBURG.id, 'POS'));

    expect((await run(elsewhere, 'markOrderReadyForPickup', order.id)).userErrors).toEqual([expect.objectContaining({ code: 'FORBIDDEN', field: ['input', 'orderId'] })]);
    expect((await run(till, 'markOrderPickedUp', order.id)).userErrors).toEqual([expect.objectContaining({ code: 'INVALID_STATE' })]);
    expect((await run(till, 'markOrderShipped', order.id)).userErrors).toEqual([expect.objectContaining({ code: 'INVALID_STATE' })]);
    const byShopper = await shopper.client(step('markOrderPickedUp'), { input: { orderId: order.id } });
    expect(byShopper.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    const ready = await run(till, 'markOrderReadyForPickup', order.id);
    expect(ready).toMatchObject({ userErrors: [], order: { fulfillment: { status: 'READY_FOR_PICKUP' }, payment: { status: 'PENDING' } } });
    expect(await run(till, 'markOrderReadyForPickup', order.id)).toEqual(ready);

    const collected = await run(till, 'markOrderPickedUp', order.id);
    expect(collected).toMatchObject({ userErrors: [], order: { fulfillment: { status: 'PICKED_UP' }, payment: { status: 'CAPTURED', captured: { amount: order.total.amount } } } });
    expect(await run(till, 'markOrderPickedUp', order.id)).toEqual(collected);
    expect(await stockAt(h, variant.id, BERLIN.id)).toEqual({ onHand: 2, reserved: 0 });
    expect(await countEvents(order.id, 'order.fulfillment_changed')).toBe(2);
    expect(await countEvents(order.id, 'order.placed')).toBe(1);

    const seen = expectData(await shopper.client(`query($id: ID!) { order(id: $id) { fulfillment { status } } }`, { id: order.id })).order;
    expect(seen).toEqual({ fulfillment: { status: 'PICKED_UP' } });
    const stranger = await h.as(callers.customer(newId('cus')))(`query($id: ID!) { order(id: $id) { id } }`, { id: order.id });
    expect(stranger.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('ships a delivery order from the warehouse once', async () => {
    const variant = freshVariant();
    await setStock(h, variant.id, WAREHOUSE.id, 2);
    const shopper = await customerWithCart(h, variant.id, 1);
    const placed = await checkoutAs(shopper.client, { cartId: shopper.cartId, idempotencyKey: 'ship', fulfillment: { method: 'DELIVERY', locationId: WAREHOUSE.id, shippingAddress: ADDRESS }, payment: { provider: 'TEST_CARD', cardToken: 'tok_visa' } });
    const warehouse = h.as(callers.staff('staff_picker', WAREHOUSE.id, 'POS', 'WAREHOUSE'));
    expect((await run(warehouse, 'markOrderReadyForPickup', placed.order!.id)).userErrors).toEqual([expect.objectContaining({ code: 'INVALID_STATE' })]);
    const shipped = await run(warehouse, 'markOrderShipped', placed.order!.id);
    expect(shipped).toMatchObject({ userErrors: [], order: { fulfillment: { status: 'SHIPPED' }, payment: { status: 'CAPTURED' } } });
    expect(await run(h.as(callers.admin()), 'markOrderShipped', placed.order!.id)).toEqual(shipped);
    expect((await run(warehouse, 'markOrderShipped', newId('ord'))).userErrors).toEqual([expect.objectContaining({ code: 'NOT_FOUND' })]);
  });
});

describe('Order.cart', () => {
  it('answers the checked-out cart itself, in the checkout payload and when the order is read', async () => {
    const variant = freshVariant();
    await setStock(h, variant.id, WAREHOUSE.id, 1);
    const shopper = await customerWithCart(h, variant.id, 1);
    const checkout = `mutation($input: CheckoutInput!) { checkout(input: $input) { order { id cart { id status } } userErrors { code } } }`;
    const input = { cartId: shopper.cartId, idempotencyKey: 'order-cart', fulfillment: { method: 'DELIVERY', locationId: WAREHOUSE.id, shippingAddress: ADDRESS }, payment: { provider: 'TEST_CARD', cardToken: 'tok_visa' } };
    const placed = expectData(await shopper.client(checkout, { input })).checkout as { order: { id: string; cart: unknown } };
    expect(placed.order.cart).toEqual({ id: shopper.cartId, status: 'CHECKED_OUT' });
    const read = expectData(await shopper.client(`query($id: ID!) { order(id: $id) { cart { id status } } }`, { id: placed.order.id }));
    expect(read.order).toEqual({ cart: { id: shopper.cartId, status: 'CHECKED_OUT' } });
  });
});

describe('Customer.orders', () => {
  const query = `query($reps: [_Any!]!, $after: String) { _entities(representations: $reps) { ... on Customer { id
    orders(first: 2, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { id channel lines { quantity } } } } } } }`;

  /** Writes orders straight to the database: pages and costs need many of them, not many checkouts. */
  async function insertOrders(customerId: string, count: number): Promise<string[]> {
    const ids = Array.from({ length: count }, () => newId('ord')).sort();
    for (const id of ids) {
      await h.cartDatabase.db.insert(orders).values({
        id, cartId: newId('cart'), idempotencyKey: 'k', requestHash: 'h', customerId, channel: 'WEB', currencyCode: 'EUR',
        subtotalMinor: 1000, discountMinor: 0, shippingMinor: 0, totalMinor: 1000, fulfillmentMethod: 'PICKUP', fulfillmentLocationId: BERLIN.id, sourceLocationId: BERLIN.id,
        fulfillmentStatus: 'UNFULFILLED', reservationId: newId('res'), reservationState: 'COMMITTED', paymentProvider: 'PAY_AT_PICKUP', paymentStatus: 'PENDING',
      });
      await h.cartDatabase.db.insert(orderLines).values({ id: newId('oline'), orderId: id, variantId: 'var_x', quantity: 2, unitPriceMinor: 500, discountMinor: 0, paidMinor: 1000, currencyCode: 'EUR', addedInChannel: 'WEB' });
    }
    return ids;
  }

  it('pages a customer their own orders, oldest first, and forbids anyone else', async () => {
    const customerId = newId('cus');
    const ids = await insertOrders(customerId, 3);
    const own = h.as(callers.customer(customerId));
    const reps = [{ __typename: 'Customer', id: customerId }];
    const first = expectData(await own(query, { reps }))._entities[0].orders;
    expect(first).toMatchObject({ totalCount: 3, pageInfo: { hasNextPage: true }, edges: [{ node: { id: ids[0], lines: [{ quantity: 2 }] } }, { node: { id: ids[1] } }] });
    const second = expectData(await own(query, { reps, after: first.pageInfo.endCursor }))._entities[0].orders;
    expect(second).toMatchObject({ pageInfo: { hasNextPage: false }, edges: [{ node: { id: ids[2] } }] });

    const other = await h.as(callers.customer(newId('cus')))(query, { reps });
    expect(other.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const none = expectData(await h.as(callers.staff(CASHIER.id, BERLIN.id))(query, { reps: [{ __typename: 'Customer', id: newId('cus') }] }))._entities[0].orders;
    expect(none).toEqual({ totalCount: 0, pageInfo: { hasNextPage: false, endCursor: null }, edges: [] });
  });

  it("costs the same statements for the orders of 2 customers and of 20, lines included", async () => {
    const customerIds = Array.from({ length: 20 }, () => newId('cus'));
    for (const customerId of customerIds) await insertOrders(customerId, 2);
    const staff = h.as(callers.staff(CASHIER.id, BERLIN.id));
    const costOf = async (ids: string[]) => {
      const before = h.cartDatabase.statements.total;
      const entities = expectData(await staff(query, { reps: ids.map((id) => ({ __typename: 'Customer', id })) }))._entities as { orders: { totalCount: number; edges: { node: { lines: unknown[] } }[] } }[];
      for (const entity of entities) {
        expect(entity.orders.totalCount).toBe(2);
        expect(entity.orders.edges.map((edge) => edge.node.lines.length)).toEqual([1, 1]);
      }
      return h.cartDatabase.statements.total - before;
    };
    const few = await costOf(customerIds.slice(0, 2));
    const many = await costOf(customerIds);
    // Pages of orders, their counts, their lines.
    expect(few).toBe(3);
    expect(many).toBe(few);
  });
});

describe.skipIf(!onPostgresServer())('concurrent collection', () => {
  it('collects once when the till sends the same pickup 10 times at once', async () => {
    const { order } = await pickupOrder(BERLIN.id, 1);
    const till = h.as(callers.staff(CASHIER.id, BERLIN.id, 'POS'));
    await run(till, 'markOrderReadyForPickup', order.id);
    const results = await Promise.all(Array.from({ length: 10 }, () => run(till, 'markOrderPickedUp', order.id)));
    expect(results.map((result) => result.order?.fulfillment.status)).toEqual(results.map(() => 'PICKED_UP'));
    expect(await countEvents(order.id, 'order.fulfillment_changed')).toBe(2);
  });
});
