import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { newId } from '@omni/db';
import { createServiceClient, toMoney } from '@omni/graphql';
import { releaseExpiredReservations } from '@omni/subgraph-catalog';
import { callers, expectData, onPostgresServer, signedSubgraphClient, TEST_SIGNING_SECRET } from '@omni/testing';
import { createCartSubgraph } from '../src/server';
import { ANY_CUSTOMER_EXISTS } from './helpers';
import { createDefaultPaymentProviders, createTestCardProvider, type PaymentProvider } from '../src/payments/payment-providers';
import {
  ADDRESS,
  BERLIN,
  CASHIER,
  COLOGNE_NO_PICKUP,
  HAMBURG,
  WAREHOUSE,
  checkoutAs,
  customerWithCart,
  freshVariant,
  rowsOf,
  setPrice,
  setOnlyStock,
  setStock,
  startCheckoutHarness,
  stockAt,
  type CheckoutHarness,
} from './checkout-helpers';

let h: CheckoutHarness;
// The test card provider, wrapped so a test can make authorisation crash midway.
const card = createTestCardProvider();
let crashNextAuthorization = false;
/** Lets the next authorisation run past the stock hold's lifetime: its reservation lapses before settlement. */
let lapseReservationAtNextAuthorization = false;
/** Every capture the provider was asked for, by its idempotency key. */
const captures: string[] = [];
const flakyCard: PaymentProvider = {
  ...card,
  authorize: async (request) => {
    if (crashNextAuthorization) {
      crashNextAuthorization = false;
      throw new Error('card processor unreachable');
    }
    if (lapseReservationAtNextAuthorization) {
      lapseReservationAtNextAuthorization = false;
      await h.catalogDatabase.db.execute(sql`update catalog.inventory_reservations set expires_at = now() - interval '1 second' where reference = ${request.reference} and status = 'ACTIVE'`);
    }
    return card.authorize(request);
  },
  capture: async (reference, amountMinor, idempotencyKey) => {
    captures.push(idempotencyKey);
    return card.capture(reference, amountMinor, idempotencyKey);
  },
};

beforeAll(async () => {
  h = await startCheckoutHarness({ paymentProviders: { ...createDefaultPaymentProviders(), TEST_CARD: flakyCard } });
});

afterAll(async () => {
  await h?.stop();
});

const CHECKOUT_ORDER_ID = `mutation($input: CheckoutInput!) { checkout(input: $input) { order { id } userErrors { code } } }`;
const pickupAt = (locationId: string) => ({ method: 'PICKUP', locationId });
const payAtPickup = { provider: 'PAY_AT_PICKUP' };
const cardPayment = (cardToken = 'tok_visa') => ({ provider: 'TEST_CARD', cardToken });

async function cartState(client: ReturnType<CheckoutHarness['as']>, cartId: string) {
  return expectData(await client(`query($id: ID!) { cart(id: $id) { status version lines(first: 10) { edges { node { unitPrice { amount } } } } } }`, { id: cartId })).cart as {
    status: string;
    version: number;
    lines: { edges: { node: { unitPrice: { amount: string } } }[] };
  };
}

describe('checkout', () => {
  it('places a pickup order: stock at the store goes down once, the cart closes, a replay returns the same order', async () => {
    const variant = freshVariant();
    await setStock(h, variant.id, BERLIN.id, 5);
    const { cartId, client, customerId, version } = await customerWithCart(h, variant.id, 2);
    const input = { cartId, idempotencyKey: 'web-1', fulfillment: pickupAt(BERLIN.id), payment: payAtPickup };

    const first = await checkoutAs(client, input);
    expect(first.userErrors).toEqual([]);
    const order = first.order!;
    expect(order).toMatchObject({
      channel: 'WEB',
      cart: { id: cartId },
      customer: { id: customerId },
      creditedStaff: null,
      subtotal: toMoney(variant.priceMinor * 2, 'EUR'),
      shippingTotal: { amount: '0.00' },
      total: toMoney(variant.priceMinor * 2, 'EUR'),
      fulfillment: { method: 'PICKUP', location: { id: BERLIN.id }, status: 'UNFULFILLED', shippingAddress: null },
      payment: { provider: 'PAY_AT_PICKUP', status: 'PENDING', captured: { amount: '0.00' } },
    });
    expect(order.lines).toEqual([
      expect.objectContaining({ quantity: 2, variant: { id: variant.id }, paid: { amount: toMoney(variant.priceMinor * 2, 'EUR').amount }, addedInChannel: 'WEB' }),
    ]);
    expect(Date.parse(order.fulfillment.readyBy!)).toBeGreaterThan(Date.now());
    expect(await stockAt(h, variant.id, BERLIN.id)).toEqual({ onHand: 3, reserved: 0 });
    expect(await cartState(client, cartId)).toMatchObject({ status: 'CHECKED_OUT', version: version + 1 });

    const replay = await checkoutAs(client, input);
    expect(replay).toEqual(first);
    expect(await stockAt(h, variant.id, BERLIN.id)).toEqual({ onHand: 3, reserved: 0 });

    const reused = await checkoutAs(client, { ...input, fulfillment: pickupAt(HAMBURG.id) });
    expect(reused).toEqual({ order: null, userErrors: [expect.objectContaining({ code: 'IDEMPOTENCY_KEY_REUSED', field: ['input', 'idempotencyKey'] })] });
    // The closed cart takes no second order under a new key, and the shopper's next cart is a new one.
    const again = await checkoutAs(client, { ...input, idempotencyKey: 'web-2' });
    expect(again.userErrors).toEqual([expect.objectContaining({ code: 'INVALID_STATE', field: ['input', 'cartId'] })]);
    const next = expectData(await client(`mutation { createCart(input: {}) { cart { id status } } }`)).createCart.cart;
    expect(next.id).not.toBe(cartId);
    expect(next.status).toBe('ACTIVE');
    expect(expectData(await client(`query($id: ID!) { order(id: $id) { id } }`, { id: order.id })).order).toEqual({ id: order.id });
  });

  it('delivers paid by test card: authorised and captured, with the shipping fee; a declined card releases the hold', async () => {
    const variant = freshVariant();
    await setStock(h, variant.id, WAREHOUSE.id, 10);
    const { cartId, client, version } = await customerWithCart(h, variant.id, 1);
    const delivery = { method: 'DELIVERY', locationId: WAREHOUSE.id, shippingAddress: ADDRESS };

    const declined = await checkoutAs(client, { cartId, idempotencyKey: 'card-1', fulfillment: delivery, payment: cardPayment('tok_declined') });
    expect(declined).toEqual({ order: null, userErrors: [expect.objectContaining({ code: 'INVALID', field: ['input', 'payment', 'cardToken'] })] });
    expect(await stockAt(h, variant.id, WAREHOUSE.id)).toEqual({ onHand: 10, reserved: 0 });
    expect(await cartState(client, cartId)).toMatchObject({ status: 'ACTIVE', version });

    // The failed attempt made no order, so the same key may be used again.
    const paid = await checkoutAs(client, { cartId, idempotencyKey: 'card-1', fulfillment: delivery, payment: cardPayment() });
    expect(paid.userErrors).toEqual([]);
    const shipping = variant.priceMinor >= 10_000 ? 0 : 495;
    expect(paid.order).toMatchObject({
      shippingTotal: { amount: toMoney(shipping, 'EUR').amount },
      total: toMoney(variant.priceMinor + shipping, 'EUR'),
      fulfillment: { method: 'DELIVERY', location: { id: WAREHOUSE.id }, readyBy: null, shippingAddress: { city: 'Berlin' } },
      payment: { provider: 'TEST_CARD', status: 'CAPTURED', captured: { amount: toMoney(variant.priceMinor + shipping, 'EUR').amount } },
    });
    expect(await stockAt(h, variant.id, WAREHOUSE.id)).toEqual({ onHand: 9, reserved: 0 });
  });

  it('finishes at the POS a cart filled on the web and changed in the app: one cart, POS channel, the cashier credited', async () => {
    const variant = freshVariant();
    await setStock(h, variant.id, BERLIN.id, 4);
    const { cartId, client, customerId } = await customerWithCart(h, variant.id, 1, 'WEB');
    const app = h.as(callers.customer(customerId, 'MOBILE_APP'));
    const lines = expectData(await app(`query($id: ID!) { cart(id: $id) { lines { edges { node { id } } } } }`, { id: cartId })).cart.lines.edges;
    const changed = expectData(
      await app(`mutation($input: UpdateCartLinesInput!) { updateCartLines(input: $input) { cart { id version } userErrors { code } } }`, {
        input: { cartId, lines: [{ lineId: lines[0].node.id, quantity: 3 }] },
      }),
    ).updateCartLines;
    expect(changed.cart.id).toBe(cartId);

    // A shopper cannot pay cash; the cashier at the till can.
    const byShopper = await checkoutAs(client, { cartId, idempotencyKey: 'pos-1', fulfillment: pickupAt(BERLIN.id), payment: { provider: 'CASH' } });
    expect(byShopper.userErrors).toEqual([expect.objectContaining({ code: 'FORBIDDEN', field: ['input', 'payment', 'provider'] })]);

    const till = h.as(callers.staff(CASHIER.id, BERLIN.id, 'POS'));
    const sold = await checkoutAs(till, { cartId, idempotencyKey: 'pos-1', expectedVersion: changed.cart.version, fulfillment: pickupAt(BERLIN.id), payment: { provider: 'CASH' } });
    expect(sold.userErrors).toEqual([]);
    expect(sold.order).toMatchObject({
      channel: 'POS',
      cart: { id: cartId },
      customer: { id: customerId },
      creditedStaff: { id: CASHIER.id },
      payment: { provider: 'CASH', status: 'CAPTURED', captured: { amount: toMoney(variant.priceMinor * 3, 'EUR').amount } },
    });
    expect(sold.order!.lines).toEqual([expect.objectContaining({ quantity: 3, addedInChannel: 'WEB', addedByStaff: null })]);
    expect(await stockAt(h, variant.id, BERLIN.id)).toEqual({ onHand: 1, reserved: 0 });
  });

  it('credits the agent who built the cart when the shopper checks out alone', async () => {
    const variant = freshVariant();
    await setStock(h, variant.id, WAREHOUSE.id, 5);
    const customerId = newId('cus');
    const agent = h.as(callers.staff('staff_agent_1', WAREHOUSE.id, 'MESSENGER', 'SUPPORT_AGENT'));
    const cartId = expectData(await agent(`mutation($input: CreateCartInput!) { createCart(input: $input) { cart { id } } }`, { input: { customerId } })).createCart.cart.id;
    const added = expectData(
      await agent(`mutation($input: AddCartLinesInput!) { addCartLines(input: $input) { userErrors { code } } }`, { input: { cartId, lines: [{ variantId: variant.id, quantity: 1 }] } }),
    );
    expect(added.addCartLines.userErrors).toEqual([]);
    const shopper = h.as(callers.customer(customerId, 'WEB'));
    const placed = await checkoutAs(shopper, { cartId, idempotencyKey: 'chat-1', fulfillment: { method: 'DELIVERY', locationId: WAREHOUSE.id, shippingAddress: ADDRESS }, payment: cardPayment() });
    expect(placed.order).toMatchObject({ channel: 'WEB', creditedStaff: { id: 'staff_agent_1' } });
    expect(placed.order!.lines[0]).toMatchObject({ addedInChannel: 'MESSENGER', addedByStaff: { id: 'staff_agent_1' } });
  });

  it('refuses bad checkouts with clear user errors and changes nothing', async () => {
    const variant = freshVariant();
    await setStock(h, variant.id, BERLIN.id, 1);
    await setStock(h, variant.id, COLOGNE_NO_PICKUP.id, 5);
    const { cartId, client, version } = await customerWithCart(h, variant.id, 1);
    const base = { cartId, idempotencyKey: 'bad-1', fulfillment: pickupAt(BERLIN.id), payment: payAtPickup };
    const cases: [Record<string, unknown>, string, string[]][] = [
      [{ fulfillment: pickupAt(COLOGNE_NO_PICKUP.id) }, 'INVALID', ['input', 'fulfillment', 'locationId']],
      [{ fulfillment: pickupAt(WAREHOUSE.id) }, 'INVALID', ['input', 'fulfillment', 'locationId']],
      [{ fulfillment: pickupAt(newId('loc')) }, 'NOT_FOUND', ['input', 'fulfillment', 'locationId']],
      [{ fulfillment: { method: 'DELIVERY', locationId: WAREHOUSE.id, shippingAddress: ADDRESS } }, 'INVALID', ['input', 'payment', 'provider']],
      [{ fulfillment: { method: 'DELIVERY', locationId: WAREHOUSE.id }, payment: cardPayment() }, 'INVALID', ['input', 'fulfillment', 'shippingAddress']],
      [{ payment: { provider: 'TEST_CARD' } }, 'INVALID', ['input', 'payment', 'cardToken']],
      [{ expectedVersion: version - 1 }, 'VERSION_CONFLICT', ['input', 'expectedVersion']],
      [{ idempotencyKey: '' }, 'INVALID', ['input', 'idempotencyKey']],
    ];
    for (const [change, code, field] of cases) {
      const result = await checkoutAs(client, { ...base, ...change });
      expect(result.order, JSON.stringify(change)).toBeNull();
      expect(result.userErrors, JSON.stringify(change)).toContainEqual(expect.objectContaining({ code, field }));
    }
    const stranger = h.as(callers.customer(newId('cus')));
    expect((await checkoutAs(stranger, base)).userErrors).toEqual([expect.objectContaining({ code: 'FORBIDDEN', field: ['input', 'cartId'] })]);
    expect((await checkoutAs(client, { ...base, cartId: 'cart_missing' })).userErrors).toEqual([expect.objectContaining({ code: 'NOT_FOUND', field: ['input', 'cartId'] })]);

    expect(await cartState(client, cartId)).toMatchObject({ status: 'ACTIVE', version });
    expect(await stockAt(h, variant.id, BERLIN.id)).toEqual({ onHand: 1, reserved: 0 });
    const orders = rowsOf<{ count: number }>(await h.cartDatabase.db.execute(sql`select count(*)::int as count from cart.orders where cart_id = ${cartId}`));
    expect(Number(orders[0]!.count)).toBe(0);
  });

  it('refuses an empty cart and a cart whose stock ran out at the location', async () => {
    const variant = freshVariant();
    // Berlin holds enough but stores do not send transfers, and the warehouse has none.
    await setOnlyStock(h, variant.id, { [BERLIN.id]: 3, [HAMBURG.id]: 1 });
    const { cartId, client } = await customerWithCart(h, variant.id, 2);
    const short = await checkoutAs(client, { cartId, idempotencyKey: 'short-1', fulfillment: pickupAt(HAMBURG.id), payment: payAtPickup });
    expect(short.userErrors).toEqual([expect.objectContaining({ code: 'OUT_OF_STOCK', field: ['input', 'cartId'] })]);
    expect(short.userErrors[0]!.message).toContain(variant.id);
    expect(await stockAt(h, variant.id, HAMBURG.id)).toEqual({ onHand: 1, reserved: 0 });

    const emptyOwner = newId('cus');
    const emptyClient = h.as(callers.customer(emptyOwner));
    const emptyCartId = expectData(await emptyClient(`mutation { createCart(input: {}) { cart { id } } }`)).createCart.cart.id;
    const empty = await checkoutAs(emptyClient, { cartId: emptyCartId, idempotencyKey: 'empty-1', fulfillment: pickupAt(BERLIN.id), payment: payAtPickup });
    expect(empty.userErrors).toEqual([expect.objectContaining({ code: 'INVALID_STATE', field: ['input', 'cartId'] })]);
  });

  it('stops with a notice when a price changed since the line was added; checking out again accepts the new price', async () => {
    const variant = freshVariant();
    await setStock(h, variant.id, BERLIN.id, 2);
    const { cartId, client, version } = await customerWithCart(h, variant.id, 1);
    const newPrice = variant.priceMinor + 500;
    await setPrice(h, variant.id, newPrice);
    const input = { cartId, idempotencyKey: 'price-1', fulfillment: pickupAt(BERLIN.id), payment: payAtPickup };

    const noticed = await checkoutAs(client, input);
    expect(noticed.order).toBeNull();
    expect(noticed.userErrors).toEqual([expect.objectContaining({ code: 'INVALID_STATE', field: ['input', 'cartId'] })]);
    expect(noticed.userErrors[0]!.message).toContain(`to ${toMoney(newPrice, 'EUR').amount} EUR`);
    expect(await cartState(client, cartId)).toMatchObject({ status: 'ACTIVE', version: version + 1, lines: { edges: [{ node: { unitPrice: { amount: toMoney(newPrice, 'EUR').amount } } }] } });
    expect(await stockAt(h, variant.id, BERLIN.id)).toEqual({ onHand: 2, reserved: 0 });

    const accepted = await checkoutAs(client, input);
    expect(accepted.userErrors).toEqual([]);
    expect(accepted.order!.total).toEqual(toMoney(newPrice, 'EUR'));
  });

  it('releases the hold when checkout fails midway, and a retry with the same key places the order once', async () => {
    const variant = freshVariant();
    await setStock(h, variant.id, WAREHOUSE.id, 3);
    const { cartId, client, version } = await customerWithCart(h, variant.id, 2);
    const input = { cartId, idempotencyKey: 'crash-1', fulfillment: { method: 'DELIVERY', locationId: WAREHOUSE.id, shippingAddress: ADDRESS }, payment: cardPayment() };

    crashNextAuthorization = true;
    const crashed = await client(`mutation($input: CheckoutInput!) { checkout(input: $input) { order { id } } }`, { input });
    expect(crashed.errors?.[0]?.extensions?.code).toBe('INTERNAL_SERVER_ERROR');
    expect(await stockAt(h, variant.id, WAREHOUSE.id)).toEqual({ onHand: 3, reserved: 0 });
    expect(await cartState(client, cartId)).toMatchObject({ status: 'ACTIVE', version });

    const retried = await checkoutAs(client, input);
    expect(retried.userErrors).toEqual([]);
    expect(await checkoutAs(client, input)).toEqual(retried);
    expect(await stockAt(h, variant.id, WAREHOUSE.id)).toEqual({ onHand: 1, reserved: 0 });
  });

  it('leaves no hold behind a checkout killed after reserving, once the hold lapses; the retry completes once', async () => {
    const variant = freshVariant();
    await setOnlyStock(h, variant.id, { [BERLIN.id]: 1 });
    const { cartId, client } = await customerWithCart(h, variant.id, 1);
    // What a checkout killed right after reserving leaves: a hold by the cart service and no order.
    const asCartService = createServiceClient({ service: 'cart', url: h.catalogServer.url, signingSecret: TEST_SIGNING_SECRET });
    await asCartService.request(`mutation($input: ReserveInventoryInput!) { reserveInventory(input: $input) { reservation { id } } }`, {
      input: { locationId: BERLIN.id, lines: [{ variantId: variant.id, quantity: 1 }], reference: cartId, idempotencyKey: 'checkout:killed' },
    });
    expect(await stockAt(h, variant.id, BERLIN.id)).toEqual({ onHand: 1, reserved: 1 });
    const blocked = await checkoutAs(client, { cartId, idempotencyKey: 'killed-1', fulfillment: pickupAt(BERLIN.id), payment: payAtPickup });
    expect(blocked.userErrors).toEqual([expect.objectContaining({ code: 'OUT_OF_STOCK' })]);

    await releaseExpiredReservations(h.catalogDatabase.db, { now: new Date(Date.now() + 16 * 60 * 1000) });
    expect(await stockAt(h, variant.id, BERLIN.id)).toEqual({ onHand: 1, reserved: 0 });
    const retried = await checkoutAs(client, { cartId, idempotencyKey: 'killed-1', fulfillment: pickupAt(BERLIN.id), payment: payAtPickup });
    expect(retried.userErrors).toEqual([]);
    expect(await checkoutAs(client, { cartId, idempotencyKey: 'killed-1', fulfillment: pickupAt(BERLIN.id), payment: payAtPickup })).toEqual(retried);
    expect(await stockAt(h, variant.id, BERLIN.id)).toEqual({ onHand: 0, reserved: 0 });
  });
});

describe('checkout without a price', () => {
  it('never charges an order whose stock could not be committed: the order is kept authorised and uncommitted, and a replay tries again', async () => {
    const variant = freshVariant();
    await setStock(h, variant.id, WAREHOUSE.id, 5);
    const { cartId, client } = await customerWithCart(h, variant.id, 1);
    const input = { cartId, idempotencyKey: 'lapsed-1', fulfillment: { method: 'DELIVERY', locationId: WAREHOUSE.id, shippingAddress: ADDRESS }, payment: cardPayment() };
    const capturesBefore = captures.length;
    lapseReservationAtNextAuthorization = true;

    // An error, not an order: the order is not settled, and the shopper's retry is what finishes it.
    const answered = await client(CHECKOUT_ORDER_ID, { input });
    expect(answered.errors).toHaveLength(1);
    const orderOf = async () =>
      rowsOf<{ id: string; reservation_state: string; payment_status: string; captured_minor: number }>(
        await h.cartDatabase.db.execute(sql`select id, reservation_state, payment_status, captured_minor::int as captured_minor from cart.orders where cart_id = ${cartId}`),
      );
    // The order stands (the cart is closed by it) with a record of what is missing: stock not committed, payment not captured.
    expect(await orderOf()).toEqual([{ id: expect.stringMatching(/^ord_/), reservation_state: 'ACTIVE', payment_status: 'AUTHORIZED', captured_minor: 0 }]);
    expect(captures.length).toBe(capturesBefore);
    // The lapsed hold gave its unit back: nothing is sold that stock does not cover.
    expect(await stockAt(h, variant.id, WAREHOUSE.id)).toEqual({ onHand: 5, reserved: 0 });

    // A replay with the key asks the catalog again; still refused, still not charged.
    const replayed = await client(CHECKOUT_ORDER_ID, { input });
    expect(replayed.errors).toHaveLength(1);
    expect(captures.length).toBe(capturesBefore);
    expect(await orderOf()).toEqual([expect.objectContaining({ reservation_state: 'ACTIVE', payment_status: 'AUTHORIZED', captured_minor: 0 })]);
  });

  it('refuses with PRICING_UNAVAILABLE when promotions cannot quote: nothing reserved, nothing charged, the cart stays open', async () => {
    const variant = freshVariant();
    await setStock(h, variant.id, WAREHOUSE.id, 2);
    const { cartId, client, customerId, version } = await customerWithCart(h, variant.id, 1);
    // The same cart database and catalog, served by a cart subgraph whose promotions do not answer.
    const cartServer = await createCartSubgraph({
      database: h.cartDatabase,
      signingSecret: TEST_SIGNING_SECRET,
      catalogUrl: h.catalogServer.url,
      ...ANY_CUSTOMER_EXISTS,
      promotionsUrl: 'http://127.0.0.1:9/',
    }).listen(0);
    try {
      const shopper = signedSubgraphClient(cartServer.url, TEST_SIGNING_SECRET, callers.customer(customerId));
      const input = { cartId, idempotencyKey: 'no-price-1', fulfillment: { method: 'DELIVERY', locationId: WAREHOUSE.id, shippingAddress: ADDRESS }, payment: cardPayment() };
      const refused = await checkoutAs(shopper, input);
      expect(refused).toEqual({ order: null, userErrors: [expect.objectContaining({ code: 'PRICING_UNAVAILABLE', field: ['input', 'cartId'] })] });
      expect(await stockAt(h, variant.id, WAREHOUSE.id)).toEqual({ onHand: 2, reserved: 0 });
      expect(await cartState(client, cartId)).toMatchObject({ status: 'ACTIVE', version });
      // Priced again, the same key places the order.
      expect((await checkoutAs(client, input)).userErrors).toEqual([]);
    } finally {
      await cartServer.stop();
    }
  });
});

describe('orders and personal data', () => {
  it('exports the orders of a person and, on erasure, keeps the order but drops the shipping address', async () => {
    const variant = freshVariant();
    await setStock(h, variant.id, WAREHOUSE.id, 2);
    const { cartId, client, customerId } = await customerWithCart(h, variant.id, 1);
    const placed = await checkoutAs(client, { cartId, idempotencyKey: 'gdpr-1', fulfillment: { method: 'DELIVERY', locationId: WAREHOUSE.id, shippingAddress: ADDRESS }, payment: cardPayment() });
    const service = h.as(callers.service('customer'));
    const exported = JSON.parse(expectData(await service(`query($ids: [ID!]!) { exportCustomerCarts(customerIds: $ids) }`, { ids: [customerId] })).exportCustomerCarts);
    expect(exported.orders).toEqual([expect.objectContaining({ id: placed.order!.id, shippingAddress: expect.objectContaining({ city: 'Berlin' }), lines: [expect.objectContaining({ variantId: variant.id })] })]);

    expectData(await service(`mutation($ids: [ID!]!) { eraseCustomerCarts(customerIds: $ids) { erased } }`, { ids: [customerId] }));
    const after = JSON.parse(expectData(await service(`query($ids: [ID!]!) { exportCustomerCarts(customerIds: $ids) }`, { ids: [customerId] })).exportCustomerCarts);
    expect(after.carts).toEqual([]);
    expect(after.orders).toEqual([expect.objectContaining({ id: placed.order!.id, shippingAddress: null, totalMinor: expect.any(Number) })]);
  });
});

describe.skipIf(!onPostgresServer())('concurrent checkouts', () => {
  it('sells the last unit once when two carts race for it: one order, one OUT_OF_STOCK', async () => {
    const variant = freshVariant();
    // The last unit anywhere: with stock elsewhere, a checkout planned after the other reserved
    // Berlin's unit rightly becomes a pickup supplied by transfer.
    await setOnlyStock(h, variant.id, { [BERLIN.id]: 1 });
    const shoppers = await Promise.all([customerWithCart(h, variant.id, 1), customerWithCart(h, variant.id, 1)]);
    const results = await Promise.all(
      shoppers.map((shopper) => checkoutAs(shopper.client, { cartId: shopper.cartId, idempotencyKey: 'race', fulfillment: pickupAt(BERLIN.id), payment: payAtPickup })),
    );
    expect(results.filter((result) => result.order !== null)).toHaveLength(1);
    expect(results.filter((result) => result.userErrors[0]?.code === 'OUT_OF_STOCK')).toHaveLength(1);
    expect(await stockAt(h, variant.id, BERLIN.id)).toEqual({ onHand: 0, reserved: 0 });
  });

  it('never leaves a line outside the order when an addition races the checkout of its cart', async () => {
    const [first, second] = [freshVariant(), freshVariant()];
    await Promise.all([setStock(h, first.id, WAREHOUSE.id, 50), setStock(h, second.id, WAREHOUSE.id, 50)]);
    const ADD = `mutation($input: AddCartLinesInput!) { addCartLines(input: $input) { cart { version } userErrors { code } } }`;
    const sold = { first: 0, second: 0 };
    for (let attempt = 0; attempt < 10; attempt += 1) {
      const { cartId, client } = await customerWithCart(h, first.id, 1);
      const input = { cartId, idempotencyKey: `race-${attempt}`, fulfillment: { method: 'DELIVERY', locationId: WAREHOUSE.id, shippingAddress: ADDRESS }, payment: cardPayment() };
      // Sent later each time, so the addition lands at different points of the checkout.
      const addLater = new Promise((resolve) => setTimeout(resolve, attempt * 3)).then(() => client(ADD, { input: { cartId, lines: [{ variantId: second.id, quantity: 2 }] } }));
      const [added, checkedOut] = await Promise.all([addLater, checkoutAs(client, input)]);
      const addErrors = (expectData(added).addCartLines.userErrors as { code: string }[]).map((error) => error.code);
      // The addition landed before the checkout read the cart, between that read and the order
      // (the checkout then refuses the cart that moved on), or after the cart was closed (refused).
      expect([[], ['INVALID_STATE']]).toContainEqual(addErrors);
      const unitsInCart = addErrors.length === 0 ? 3 : 1;
      const [cart] = rowsOf<{ status: string; quantity: number }>(
        await h.cartDatabase.db.execute(sql`select c.status, coalesce(sum(l.quantity), 0)::int as quantity from cart.carts c left join cart.cart_lines l on l.cart_id = c.id where c.id = ${cartId} group by c.status`),
      );
      if (checkedOut.order) {
        const [order] = rowsOf<{ quantity: number }>(
          await h.cartDatabase.db.execute(sql`select coalesce(sum(ol.quantity), 0)::int as quantity from cart.orders o join cart.order_lines ol on ol.order_id = o.id where o.cart_id = ${cartId}`),
        );
        expect(cart).toEqual({ status: 'CHECKED_OUT', quantity: unitsInCart });
        expect(order!.quantity).toBe(unitsInCart);
        sold.first += 1;
        sold.second += unitsInCart - 1;
      } else {
        expect(addErrors).toEqual([]);
        expect(checkedOut.userErrors.map((error) => error.code)).toEqual(['VERSION_CONFLICT']);
        expect(cart).toEqual({ status: 'ACTIVE', quantity: 3 });
      }
    }
    // Refused checkouts gave their reservations back; placed ones took exactly their units.
    expect(await stockAt(h, first.id, WAREHOUSE.id)).toEqual({ onHand: 50 - sold.first, reserved: 0 });
    expect(await stockAt(h, second.id, WAREHOUSE.id)).toEqual({ onHand: 50 - sold.second, reserved: 0 });
  });

  it('places one order when the same checkout is sent 8 times at once', async () => {
    const variant = freshVariant();
    await setStock(h, variant.id, WAREHOUSE.id, 20);
    const { cartId, client } = await customerWithCart(h, variant.id, 2);
    const input = { cartId, idempotencyKey: 'double-click', fulfillment: { method: 'DELIVERY', locationId: WAREHOUSE.id, shippingAddress: ADDRESS }, payment: cardPayment() };
    const results = await Promise.all(Array.from({ length: 8 }, () => checkoutAs(client, input)));
    const orderIds = new Set(results.map((result) => result.order?.id));
    expect(results.map((result) => result.userErrors)).toEqual(results.map(() => []));
    expect(orderIds.size).toBe(1);
    expect(await stockAt(h, variant.id, WAREHOUSE.id)).toEqual({ onHand: 18, reserved: 0 });
    // Money moved once: one authorisation kept, captured once for the order total; the others were voided.
    const [row] = rowsOf<{ payment_reference: string; total_minor: number }>(
      await h.cartDatabase.db.execute(sql`select payment_reference, total_minor from cart.orders where cart_id = ${cartId}`),
    );
    expect(card.payment(row!.payment_reference)).toMatchObject({ capturedMinor: Number(row!.total_minor), voided: false });
  });
});
