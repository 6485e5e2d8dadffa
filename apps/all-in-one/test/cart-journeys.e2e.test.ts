import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_LOCATIONS, demoCatalog, demoCustomer, demoStaffMember } from '@omni/demo-data';
import { sql } from 'drizzle-orm';
import { announceAbandonedCarts } from '@omni/subgraph-cart';
import type { CartReminder } from '@omni/subgraph-customer';
import { expectData } from '@omni/testing';
import { startTestSupergraph, type TestSupergraph } from './support/test-supergraph';

/** Through the gateway: one cart across channels, pickup in store, a web order returned at a store, the endless aisle at a till. */
let supergraph: TestSupergraph;

const reminders: CartReminder[] = [];

beforeAll(async () => {
  supergraph = await startTestSupergraph({ reminderSender: { send: async (reminder) => void reminders.push(reminder) } });
});

afterAll(async () => {
  await supergraph?.close();
});

const BERLIN = DEMO_LOCATIONS.find((location) => location.key === 'berlin-mitte')!.id;
const WAREHOUSE = DEMO_LOCATIONS.find((location) => location.kind === 'WAREHOUSE')!.id;
const cashier = demoStaffMember('berlin-cashier');
const { products, stock } = demoCatalog();
const onHand = (variantId: string, locationId: string) => stock.find((level) => level.variantId === variantId && level.locationId === locationId)?.onHand ?? 0;
/** Variants with enough stock at Berlin and at the warehouse, a different one per journey. */
const stocked = products.map((product) => product.variants[0]!).filter((variant) => onHand(variant.id, BERLIN) >= 3 && onHand(variant.id, WAREHOUSE) >= 3);

const ORDER = `order { id channel creditedStaff { id } cart { id } total { amount } lines { id quantity paid { amount } refunded { amount } addedInChannel }
  fulfillment { method status location { id name } } payment { provider status refunded { amount } } }`;
const CREATE = `mutation { createCart(input: {}) { cart { id version } userErrors { code } } }`;
const ADD = `mutation($input: AddCartLinesInput!) { addCartLines(input: $input) { cart { id version lines { edges { node { id } } } } userErrors { code } } }`;
const CHECKOUT = `mutation($input: CheckoutInput!) { checkout(input: $input) { ${ORDER} userErrors { code message } } }`;
const STEP = (name: string) => `mutation($orderId: ID!) { ${name}(input: { orderId: $orderId }) { ${ORDER} userErrors { code } } }`;
const STOCK = `query($id: ID!) { variant(id: $id) { stockLevels { location { id } onHand } } }`;

async function stockAt(variantId: string, locationId: string): Promise<number> {
  const staff = await supergraph.as('staff', 'berlin-manager');
  const levels = expectData(await staff(STOCK, { id: variantId })).variant.stockLevels as { location: { id: string }; onHand: number }[];
  return levels.find((level) => level.location.id === locationId)!.onHand;
}

describe('J1/J2/J11: one cart on the web, in the app and at the till', () => {
  it('is one cart with one history; the order records the POS channel and the cashier', async () => {
    const variant = stocked[0]!;
    const web = await supergraph.as('customer', 'chen', 'WEB');
    const app = await supergraph.as('customer', 'chen', 'MOBILE_APP');
    const till = await supergraph.as('staff', 'berlin-cashier', 'POS');

    const cartId = expectData(await web(CREATE)).createCart.cart.id;
    const added = expectData(await web(ADD, { input: { cartId, lines: [{ variantId: variant.id, quantity: 1 }] } })).addCartLines;
    expect(added.userErrors).toEqual([]);
    // The app opens the same cart and changes it.
    expect(expectData(await app(CREATE)).createCart.cart.id).toBe(cartId);
    const lineId = added.cart.lines.edges[0].node.id;
    const changed = expectData(
      await app(`mutation($input: UpdateCartLinesInput!) { updateCartLines(input: $input) { cart { version } userErrors { code } } }`, {
        input: { cartId, lines: [{ lineId, quantity: 2 }], expectedVersion: added.cart.version },
      }),
    ).updateCartLines;
    expect(changed.userErrors).toEqual([]);

    const before = await stockAt(variant.id, BERLIN);
    const sold = expectData(
      await till(CHECKOUT, { input: { cartId, idempotencyKey: 'till-1', expectedVersion: changed.cart.version, fulfillment: { method: 'PICKUP', locationId: BERLIN }, payment: { provider: 'CASH' } } }),
    ).checkout;
    expect(sold.userErrors).toEqual([]);
    expect(sold.order).toMatchObject({ channel: 'POS', creditedStaff: { id: cashier.id }, cart: { id: cartId }, payment: { provider: 'CASH', status: 'CAPTURED' } });
    expect(sold.order.lines).toEqual([expect.objectContaining({ quantity: 2, addedInChannel: 'WEB' })]);
    expect(await stockAt(variant.id, BERLIN)).toBe(before - 2);

    const mine = expectData(await app(`{ me { id orders(first: 10) { totalCount edges { node { id channel } } } } }`)).me;
    expect(mine.id).toBe(demoCustomer('chen').id);
    expect(mine.orders.edges.map((edge: { node: { id: string } }) => edge.node.id)).toContain(sold.order.id);
    // One history: the web and app changes and the order at the till reach the customer's timeline.
    await supergraph.settleEvents();
    const timeline = expectData(await app(`{ me { timeline(first: 50, kinds: [CART_CHANGED, ORDER_PLACED]) { edges { node { kind channel } } } } }`)).me.timeline.edges.map(
      (edge: { node: { kind: string; channel: string } }) => `${edge.node.kind}@${edge.node.channel}`,
    );
    expect(timeline).toEqual(expect.arrayContaining(['CART_CHANGED@WEB', 'CART_CHANGED@MOBILE_APP', 'ORDER_PLACED@POS']));
  });
});

describe('J3: buy online, pick up in store', () => {
  it('becomes ready, is collected at the store, and the store stock goes down exactly once', async () => {
    const variant = stocked[1]!;
    const web = await supergraph.as('customer', 'dmitry', 'WEB');
    const till = await supergraph.as('staff', 'berlin-cashier', 'POS');
    const cartId = expectData(await web(CREATE)).createCart.cart.id;
    expect(expectData(await web(ADD, { input: { cartId, lines: [{ variantId: variant.id, quantity: 1 }] } })).addCartLines.userErrors).toEqual([]);
    const before = await stockAt(variant.id, BERLIN);

    const placed = expectData(await web(CHECKOUT, { input: { cartId, idempotencyKey: 'bopis-1', fulfillment: { method: 'PICKUP', locationId: BERLIN }, payment: { provider: 'PAY_AT_PICKUP' } } })).checkout;
    expect(placed.order).toMatchObject({ channel: 'WEB', fulfillment: { method: 'PICKUP', status: 'UNFULFILLED', location: { id: BERLIN, name: 'Berlin Mitte' } }, payment: { status: 'PENDING' } });
    const orderId = placed.order.id;
    expect(expectData(await till(STEP('markOrderReadyForPickup'), { orderId })).markOrderReadyForPickup.order.fulfillment.status).toBe('READY_FOR_PICKUP');
    const collected = expectData(await till(STEP('markOrderPickedUp'), { orderId })).markOrderPickedUp;
    expect(collected.order).toMatchObject({ fulfillment: { status: 'PICKED_UP' }, payment: { status: 'CAPTURED' } });
    expect(expectData(await till(STEP('markOrderPickedUp'), { orderId })).markOrderPickedUp.order.fulfillment.status).toBe('PICKED_UP');
    expect(await stockAt(variant.id, BERLIN)).toBe(before - 1);
  });
});

describe('J4: an online order returned in store', () => {
  it('refunds at most what was paid and restocks the store that took it back', async () => {
    const variant = stocked[2]!;
    const web = await supergraph.as('customer', 'elena', 'WEB');
    const cartId = expectData(await web(CREATE)).createCart.cart.id;
    expect(expectData(await web(ADD, { input: { cartId, lines: [{ variantId: variant.id, quantity: 2 }] } })).addCartLines.userErrors).toEqual([]);
    const placed = expectData(
      await web(CHECKOUT, {
        input: {
          cartId,
          idempotencyKey: 'web-1',
          fulfillment: { method: 'DELIVERY', locationId: WAREHOUSE, shippingAddress: { name: 'Elena Sokolova', line1: 'Torstr. 1', postalCode: '10119', city: 'Berlin', countryCode: 'DE' } },
          payment: { provider: 'TEST_CARD', cardToken: 'tok_visa' },
        },
      }),
    ).checkout;
    expect(placed.userErrors).toEqual([]);
    const order = placed.order;
    const warehouse = await supergraph.as('staff', 'leipzig-warehouse', 'WEB');
    expect(expectData(await warehouse(STEP('markOrderShipped'), { orderId: order.id })).markOrderShipped.userErrors).toEqual([]);

    const berlinBefore = await stockAt(variant.id, BERLIN);
    const warehouseBefore = await stockAt(variant.id, WAREHOUSE);
    const till = await supergraph.as('staff', 'berlin-cashier', 'POS');
    const RETURN = `mutation($input: ReturnOrderLinesInput!) { returnOrderLines(input: $input) {
      orderReturn { refund { amount } location { id } settled } ${ORDER} userErrors { code field } } }`;
    const input = { orderId: order.id, idempotencyKey: 'store-return-1', lines: [{ orderLineId: order.lines[0].id, quantity: 2 }] };
    const returned = expectData(await till(RETURN, { input })).returnOrderLines;
    expect(returned.userErrors).toEqual([]);
    expect(returned.orderReturn).toMatchObject({ location: { id: BERLIN }, settled: true, refund: { amount: order.lines[0].paid.amount } });
    expect(returned.order.lines[0].refunded).toEqual(order.lines[0].paid);
    // Replayed: same return, no second refund or restock; asking for more than was bought is refused.
    expect(expectData(await till(RETURN, { input })).returnOrderLines.orderReturn).toEqual(returned.orderReturn);
    const more = expectData(await till(RETURN, { input: { ...input, idempotencyKey: 'store-return-2', lines: [{ orderLineId: order.lines[0].id, quantity: 1 }] } })).returnOrderLines;
    expect(more.orderReturn).toBeNull();
    expect(await stockAt(variant.id, BERLIN)).toBe(berlinBefore + 2);
    expect(await stockAt(variant.id, WAREHOUSE)).toBe(warehouseBefore);
  });
});

describe('J9: endless aisle at the till', () => {
  it('sells an item the store does not hold for pickup there after a warehouse transfer, credited to the cashier', async () => {
    const variant = products.map((product) => product.variants[0]!).find((candidate) => onHand(candidate.id, BERLIN) === 0 && onHand(candidate.id, WAREHOUSE) >= 2)!;
    const till = await supergraph.as('staff', 'berlin-cashier', 'POS');
    const cartId = expectData(await till(CREATE)).createCart.cart.id;
    expect(expectData(await till(ADD, { input: { cartId, lines: [{ variantId: variant.id, quantity: 1 }] } })).addCartLines.userErrors).toEqual([]);

    const options = expectData(await till(`query($id: ID!) { cart(id: $id) { pickupOptions { store { id } source { id name } transfer readyBy } } }`, { id: cartId })).cart.pickupOptions;
    expect(options).toContainEqual(expect.objectContaining({ store: { id: BERLIN }, source: { id: WAREHOUSE, name: 'Leipzig Warehouse' }, transfer: true }));
    const [warehouseBefore, storeBefore] = [await stockAt(variant.id, WAREHOUSE), await stockAt(variant.id, BERLIN)];

    const placed = expectData(
      await till(
        `mutation($input: CheckoutInput!) { checkout(input: $input) { order { id channel creditedStaff { id } fulfillment { location { id } source { id } transfer readyBy } } userErrors { code message } } }`,
        { input: { cartId, idempotencyKey: 'aisle-1', fulfillment: { method: 'PICKUP', locationId: BERLIN }, payment: { provider: 'CASH' } } },
      ),
    ).checkout;
    expect(placed.userErrors).toEqual([]);
    expect(placed.order).toMatchObject({ channel: 'POS', creditedStaff: { id: cashier.id }, fulfillment: { location: { id: BERLIN }, source: { id: WAREHOUSE }, transfer: true } });
    expect(new Date(placed.order.fulfillment.readyBy).getTime()).toBeGreaterThan(Date.now() + 24 * 60 * 60 * 1000);
    expect(await stockAt(variant.id, WAREHOUSE)).toBe(warehouseBefore - 1);
    expect(await stockAt(variant.id, BERLIN)).toBe(storeBefore);
  });
});

describe('J6: abandoned carts', () => {
  it('are listed for support, land on the timeline and drive one reminder where marketing consent allows it', async () => {
    const variant = stocked[3]!;
    const cartOf = async (key: string) => {
      const shopper = await supergraph.as('customer', key, 'WEB');
      const cartId = expectData(await shopper(CREATE)).createCart.cart.id as string;
      expect(expectData(await shopper(ADD, { input: { cartId, lines: [{ variantId: variant.id, quantity: 1 }] } })).addCartLines.userErrors).toEqual([]);
      return cartId;
    };
    // Ben allows marketing on every channel but SMS and has a verified email; Elena allowed nothing.
    const [benCart, elenaCart] = [await cartOf('ben'), await cartOf('elena')];
    await supergraph.settleEvents();
    const cartDb = supergraph.databases.cart.db;
    await cartDb.execute(sql`update cart.carts set updated_at = now() - interval '2 hours' where id in (${benCart}, ${elenaCart})`);

    const agent = await supergraph.as('staff', 'support-agent', 'CALL_CENTER');
    const listed = expectData(await agent(`{ abandonedCarts(first: 100, idleMinutes: 60) { edges { node { id channel customer { id } } } } }`)).abandonedCarts.edges.map(
      (edge: { node: { id: string } }) => edge.node.id,
    );
    expect(listed).toEqual(expect.arrayContaining([benCart, elenaCart]));

    expect(await announceAbandonedCarts(cartDb, { idleMinutes: 60 })).toBeGreaterThanOrEqual(2);
    expect(await announceAbandonedCarts(cartDb, { idleMinutes: 60 })).toBe(0);
    await supergraph.settleEvents();
    // Anna's demo cart, idle since the demo data was made, is announced too; only these two matter here.
    const ours = reminders.filter((reminder) => reminder.cartId === benCart || reminder.cartId === elenaCart);
    expect(ours.map(({ cartId, contactChannel, address }) => ({ cartId, contactChannel, address }))).toEqual([{ cartId: benCart, contactChannel: 'EMAIL', address: 'ben.schulz@example.com' }]);

    const timeline = async (key: string) =>
      expectData(await agent(`query($id: ID!) { customer(id: $id) { timeline(kinds: [CART_ABANDONED, CART_REMINDER]) { edges { node { kind channel } } } } }`, { id: demoCustomer(key).id })).customer.timeline.edges.map(
        (edge: { node: unknown }) => edge.node,
      );
    expect(await timeline('ben')).toEqual([
      { kind: 'CART_ABANDONED', channel: 'WEB' },
      { kind: 'CART_REMINDER', channel: 'EMAIL' },
    ]);
    expect(await timeline('elena')).toEqual([{ kind: 'CART_ABANDONED', channel: 'WEB' }]);
  });
});
