import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { newId } from '@omni/db';
import { callers, expectData } from '@omni/testing';
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
  setOnlyStock,
  setPrice,
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

const DAY = 24 * 60 * 60 * 1000;
const OPTIONS = `query($id: ID!, $country: String!) { cart(id: $id) {
  shippingOptions(countryCode: $country) { rate title price { amount currencyCode } method location { id } transitDays estimatedDeliveryAt }
  pickupOptions { store { id } source { id } transfer readyBy }
} }`;
const FULFILLMENT = `mutation($input: CheckoutInput!) { checkout(input: $input) {
  order { id channel creditedStaff { id } shippingTotal { amount } total { amount }
    fulfillment { method location { id } source { id } transfer status readyBy shippingRate estimatedDeliveryAt } }
  userErrors { code field message } } }`;

interface OptionsView {
  shippingOptions: { rate: string; title: string; price: { amount: string; currencyCode: string }; method: string; location: { id: string }; transitDays: number; estimatedDeliveryAt: string }[];
  pickupOptions: { store: { id: string }; source: { id: string }; transfer: boolean; readyBy: string }[];
}

async function optionsOf(client: ReturnType<CheckoutHarness['as']>, cartId: string, country = 'DE'): Promise<OptionsView> {
  return expectData(await client(OPTIONS, { id: cartId, country })).cart as OptionsView;
}

/** A POS cart at `store` holding one unit of a variant. */
async function posCart(store: { id: string }, variantId: string) {
  const till = h.as(callers.staff(CASHIER.id, store.id, 'POS'));
  const created = expectData(await till(`mutation { createCart(input: { customerId: "${newId('cus')}" }) { cart { id } } }`));
  const cartId = created.createCart.cart.id as string;
  const added = expectData(await till(`mutation($input: AddCartLinesInput!) { addCartLines(input: $input) { userErrors { code } } }`, { input: { cartId, lines: [{ variantId, quantity: 1 }] } }));
  expect(added.addCartLines.userErrors).toEqual([]);
  return { till, cartId };
}

const near = (iso: string | null, expected: number) => expect(Math.abs(new Date(iso!).getTime() - expected)).toBeLessThan(60_000);

describe('Cart.shippingOptions and Cart.pickupOptions', () => {
  it('prices standard and express parcels from the warehouse, and lists stores from their shelves or by transfer', async () => {
    const variant = freshVariant();
    await setOnlyStock(h, variant.id, { [BERLIN.id]: 2, [COLOGNE_NO_PICKUP.id]: 5, [WAREHOUSE.id]: 4 });
    await setPrice(h, variant.id, 2_000);
    const { cartId, client } = await customerWithCart(h, variant.id, 2);
    const now = Date.now();
    const options = await optionsOf(client, cartId);

    expect(options.shippingOptions.map(({ rate, price, method, location, transitDays }) => ({ rate, price, method, location: location.id, transitDays }))).toEqual([
      { rate: 'STANDARD', price: { amount: '4.95', currencyCode: 'EUR' }, method: 'DELIVERY', location: WAREHOUSE.id, transitDays: 3 },
      { rate: 'EXPRESS', price: { amount: '12.95', currencyCode: 'EUR' }, method: 'DELIVERY', location: WAREHOUSE.id, transitDays: 1 },
    ]);
    near(options.shippingOptions[0]!.estimatedDeliveryAt, now + 3 * DAY);

    // Berlin serves from its shelves today; Hamburg and Munich only after the warehouse's 2-day transfer; Cologne offers no pickup.
    const byStore = new Map(options.pickupOptions.map((option) => [option.store.id, option]));
    expect(options.pickupOptions[0]).toMatchObject({ store: { id: BERLIN.id }, source: { id: BERLIN.id }, transfer: false });
    expect(byStore.get(HAMBURG.id)).toMatchObject({ source: { id: WAREHOUSE.id }, transfer: true });
    near(byStore.get(HAMBURG.id)!.readyBy, now + 2 * DAY);
    expect(byStore.has(COLOGNE_NO_PICKUP.id)).toBe(false);
    expect(options.pickupOptions).toHaveLength(3);
  });

  it('follows the destination zone, the free-shipping threshold and the stock', async () => {
    const variant = freshVariant();
    await setOnlyStock(h, variant.id, { [WAREHOUSE.id]: 10 });
    await setPrice(h, variant.id, 5_000);
    const { cartId, client } = await customerWithCart(h, variant.id, 2);
    expect((await optionsOf(client, cartId)).shippingOptions.map((option) => [option.rate, option.price.amount])).toEqual([
      ['STANDARD', '0.00'],
      ['EXPRESS', '12.95'],
    ]);
    expect((await optionsOf(client, cartId, 'FR')).shippingOptions.map((option) => [option.rate, option.price.amount, option.transitDays])).toEqual([['STANDARD', '9.95', 5]]);
    expect((await optionsOf(client, cartId, 'US')).shippingOptions).toEqual([]);

    await setOnlyStock(h, variant.id, { [WAREHOUSE.id]: 1, [BERLIN.id]: 1 });
    const sold = await optionsOf(client, cartId);
    expect(sold).toEqual({ shippingOptions: [], pickupOptions: [] });

    const bad = await client(OPTIONS, { id: cartId, country: 'Germany' });
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('asks the catalog once however many option fields a query selects', async () => {
    const variant = freshVariant();
    await setOnlyStock(h, variant.id, { [WAREHOUSE.id]: 3 });
    const { cartId, client } = await customerWithCart(h, variant.id, 1);
    const before = h.catalogDatabase.statements.total;
    const data = expectData(await client(`query($id: ID!) { cart(id: $id) { de: shippingOptions(countryCode: "DE") { rate } fr: shippingOptions(countryCode: "FR") { rate } pickupOptions { transfer } } }`, { id: cartId }));
    expect(data.cart.de).toHaveLength(2);
    expect(data.cart.fr).toHaveLength(1);
    expect(h.catalogDatabase.statements.total - before).toBe(2);
  });
});

describe('endless aisle at the till', () => {
  it('sells a warehouse-only item for pickup at the store: reserved and sold at the warehouse, ready after the transfer', async () => {
    const variant = freshVariant();
    await setOnlyStock(h, variant.id, { [WAREHOUSE.id]: 2 });
    const { till, cartId } = await posCart(HAMBURG, variant.id);
    const placed = expectData(
      await till(FULFILLMENT, { input: { cartId, idempotencyKey: 'aisle-1', fulfillment: { method: 'PICKUP', locationId: HAMBURG.id }, payment: { provider: 'CASH' } } }),
    ).checkout;
    expect(placed.userErrors).toEqual([]);
    expect(placed.order).toMatchObject({
      channel: 'POS',
      creditedStaff: { id: CASHIER.id },
      shippingTotal: { amount: '0.00' },
      fulfillment: { method: 'PICKUP', location: { id: HAMBURG.id }, source: { id: WAREHOUSE.id }, transfer: true, status: 'UNFULFILLED', shippingRate: null },
    });
    near(placed.order.fulfillment.readyBy, Date.now() + 2 * DAY);
    expect(await stockAt(h, variant.id, WAREHOUSE.id)).toEqual({ onHand: 1, reserved: 0 });
    expect(await stockAt(h, variant.id, HAMBURG.id)).toEqual({ onHand: 0, reserved: 0 });

    // The transfer arrives; the store puts the order aside and the shopper collects it there.
    for (const step of ['markOrderReadyForPickup', 'markOrderPickedUp']) {
      const done = expectData(await till(`mutation($input: ${step[0]!.toUpperCase()}${step.slice(1)}Input!) { ${step}(input: $input) { order { fulfillment { status } } userErrors { code } } }`, { input: { orderId: placed.order.id } }))[step];
      expect(done.userErrors).toEqual([]);
    }
    expect(await stockAt(h, variant.id, WAREHOUSE.id)).toEqual({ onHand: 1, reserved: 0 });
  });

  it('delivers a warehouse-only item by express when no location is named, charging the express rate', async () => {
    const variant = freshVariant();
    await setOnlyStock(h, variant.id, { [WAREHOUSE.id]: 1 });
    await setPrice(h, variant.id, 3_000);
    const { till, cartId } = await posCart(BERLIN, variant.id);
    const placed = expectData(
      await till(FULFILLMENT, {
        input: { cartId, idempotencyKey: 'aisle-2', fulfillment: { method: 'DELIVERY', shippingAddress: ADDRESS, shippingRate: 'EXPRESS' }, payment: { provider: 'CASH' } },
      }),
    ).checkout;
    expect(placed.userErrors).toEqual([]);
    expect(placed.order).toMatchObject({
      shippingTotal: { amount: '12.95' },
      total: { amount: '42.95' },
      fulfillment: { method: 'DELIVERY', location: { id: WAREHOUSE.id }, source: { id: WAREHOUSE.id }, transfer: false, shippingRate: 'EXPRESS', readyBy: null },
    });
    near(placed.order.fulfillment.estimatedDeliveryAt, Date.now() + DAY);
    expect(await stockAt(h, variant.id, WAREHOUSE.id)).toEqual({ onHand: 0, reserved: 0 });
  });

  it('refuses parcels it cannot send and pickups nothing can fill, leaving cart, stock and orders unchanged', async () => {
    const variant = freshVariant();
    await setOnlyStock(h, variant.id, { [WAREHOUSE.id]: 1, [BERLIN.id]: 1 });
    const { cartId, client, version } = await customerWithCart(h, variant.id, 1);
    const base = { cartId, payment: { provider: 'TEST_CARD', cardToken: 'tok_visa' } };
    const cases: [Record<string, unknown>, string, string[]][] = [
      [{ method: 'DELIVERY', shippingAddress: { ...ADDRESS, countryCode: 'US' } }, 'INVALID', ['input', 'fulfillment', 'shippingAddress', 'countryCode']],
      [{ method: 'DELIVERY', shippingAddress: { ...ADDRESS, countryCode: 'FR' }, shippingRate: 'EXPRESS' }, 'INVALID', ['input', 'fulfillment', 'shippingRate']],
      [{ method: 'PICKUP', locationId: BERLIN.id, shippingRate: 'STANDARD' }, 'INVALID', ['input', 'fulfillment', 'shippingRate']],
      [{ method: 'SHIP_FROM_STORE', shippingAddress: ADDRESS }, 'INVALID', ['input', 'fulfillment', 'locationId']],
      [{ method: 'DELIVERY', locationId: BERLIN.id, shippingAddress: ADDRESS }, 'INVALID', ['input', 'fulfillment', 'locationId']],
      [{ method: 'DELIVERY', locationId: newId('loc'), shippingAddress: ADDRESS }, 'NOT_FOUND', ['input', 'fulfillment', 'locationId']],
    ];
    for (const [fulfillment, code, field] of cases) {
      const refused = await checkoutAs(client, { ...base, idempotencyKey: `bad-${field.join('.')}-${code}`, fulfillment });
      expect(refused.userErrors, JSON.stringify(fulfillment)).toEqual([expect.objectContaining({ code, field })]);
    }

    await setOnlyStock(h, variant.id, { [BERLIN.id]: 1 });
    const noTransfer = await checkoutAs(client, { ...base, idempotencyKey: 'hamburg', fulfillment: { method: 'PICKUP', locationId: HAMBURG.id } });
    expect(noTransfer.userErrors).toEqual([expect.objectContaining({ code: 'OUT_OF_STOCK', field: ['input', 'cartId'] })]);
    const noShipper = await checkoutAs(client, { ...base, idempotencyKey: 'parcel', fulfillment: { method: 'DELIVERY', shippingAddress: ADDRESS } });
    expect(noShipper.userErrors).toEqual([expect.objectContaining({ code: 'OUT_OF_STOCK', field: ['input', 'cartId'] })]);

    const cart = expectData(await client(`query($id: ID!) { cart(id: $id) { status version } }`, { id: cartId })).cart;
    expect(cart).toEqual({ status: 'ACTIVE', version });
    expect(await stockAt(h, variant.id, BERLIN.id)).toEqual({ onHand: 1, reserved: 0 });
    const [count] = rowsOf<{ count: number }>(await h.cartDatabase.db.execute(sql`select count(*)::int as count from cart.orders where cart_id = ${cartId}`));
    expect(Number(count!.count)).toBe(0);
  });
});
