import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Caller } from '@omni/auth';
import { newId } from '@omni/db';
import { DEMO_LOCATIONS } from '@omni/demo-data';
import { callers, expectData, onPostgresServer } from '@omni/testing';
import { MAX_LINE_QUANTITY, orders } from '../src/db/schema';
import { ADDRESS, BERLIN, WAREHOUSE, checkoutAs, freshVariant, rowsOf, setStock, startCheckoutHarness, type CheckoutHarness } from './checkout-helpers';

let h: CheckoutHarness;

beforeAll(async () => {
  h = await startCheckoutHarness();
});

afterAll(async () => {
  await h?.stop();
});

const RECEIVE = `mutation($events: [DomainEventInput!]!) { receiveCartEvents(events: $events) { accepted } }`;
const CUSTOMER_CART = `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Customer { id
  cart { id status customer { id } lines(first: 20) { edges { node { variant { id } quantity } } } }
  orders(first: 10) { totalCount edges { node { id } } } } } }`;
const READ = `query($id: ID!) { cart(id: $id) { id status customer { id } } }`;
const CART_OF = `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Customer { cart { id } } } }`;

type CustomerView = { cart: { id: string; status: string; customer: { id: string }; lines: { edges: { node: { variant: { id: string }; quantity: number } }[] } } | null; orders: { totalCount: number; edges: { node: { id: string } }[] } };

const guest = (guestId: string): Caller => ({ kind: 'guest', channel: 'MOBILE_APP', guestId, scopes: ['catalog:read', 'storefront:read'] });
const deliver = (...events: object[]) => h.as(callers.service('customer'))(RECEIVE, { events });
const accepted = async (...events: object[]) => expectData(await deliver(...events)).receiveCartEvents.accepted as number;

function event(type: string, aggregateId: string, payload: Record<string, unknown>) {
  return { id: newId('evt'), type, producer: 'customer', aggregateId, occurredAt: new Date().toISOString(), payload: JSON.stringify(payload) };
}
const merged = (survivorId: string, mergedId: string) => event('customer.merged', survivorId, { survivorId, mergedId, mergeId: newId('merge') });
const signedIn = (customerId: string, guestId: string | null) => event('customer.signed_in', customerId, { customerId, guestId, channel: 'WEB' });

async function onlyStock(variantId: string, onHand: number) {
  for (const location of DEMO_LOCATIONS) await setStock(h, variantId, location.id, location.id === WAREHOUSE.id ? onHand : 0);
}

async function cartWith(caller: Caller, lines: { variantId: string; quantity: number }[]): Promise<string> {
  const client = h.as(caller);
  const cartId = expectData(await client(`mutation { createCart(input: {}) { cart { id } } }`)).createCart.cart.id as string;
  const added = expectData(await client(`mutation($input: AddCartLinesInput!) { addCartLines(input: $input) { userErrors { code } } }`, { input: { cartId, lines } })).addCartLines;
  expect(added.userErrors).toEqual([]);
  return cartId;
}

async function customerView(customerId: string, caller: Caller = callers.admin()): Promise<CustomerView> {
  return expectData(await h.as(caller)(CUSTOMER_CART, { reps: [{ __typename: 'Customer', id: customerId }] }))._entities[0];
}

const quantities = (view: CustomerView) => Object.fromEntries(view.cart!.lines.edges.map((edge) => [edge.node.variant.id, edge.node.quantity]));

async function insertOrder(customerId: string): Promise<string> {
  const id = newId('ord');
  await h.cartDatabase.db.insert(orders).values({
    id, cartId: newId('cart'), idempotencyKey: 'k', requestHash: 'h', customerId, channel: 'WEB', currencyCode: 'EUR',
    subtotalMinor: 1000, discountMinor: 0, shippingMinor: 0, totalMinor: 1000, fulfillmentMethod: 'PICKUP', fulfillmentLocationId: BERLIN.id, sourceLocationId: BERLIN.id,
    fulfillmentStatus: 'UNFULFILLED', reservationId: newId('res'), reservationState: 'COMMITTED', paymentProvider: 'PAY_AT_PICKUP', paymentStatus: 'PENDING',
  });
  return id;
}

async function cartRow(id: string): Promise<{ status: string; customer_id: string | null; version: number }> {
  const [row] = rowsOf<{ status: string; customer_id: string | null; version: number }>(await h.cartDatabase.db.execute(sql`select status, customer_id, version from cart.carts where id = ${id}`));
  return row!;
}

async function changedEventsOf(cartId: string): Promise<number> {
  const [row] = rowsOf<{ count: number }>(await h.cartDatabase.db.execute(sql`select count(*)::int as count from cart.outbox_events where type = 'cart.changed' and aggregate_id = ${cartId}`));
  return row!.count;
}

describe('customer.merged', () => {
  it('hands the merged customer’s cart to a survivor without one, and moves orders and closed carts', async () => {
    const variant = freshVariant();
    await setStock(h, variant.id, WAREHOUSE.id, 10);
    const [survivorId, mergedId] = [newId('cus'), newId('cus')];
    const oldCart = await cartWith(callers.customer(mergedId), [{ variantId: variant.id, quantity: 1 }]);
    await h.cartDatabase.db.execute(sql`update cart.carts set status = 'CHECKED_OUT' where id = ${oldCart}`);
    const cartId = await cartWith(callers.customer(mergedId), [{ variantId: variant.id, quantity: 2 }]);
    const orderIds = [await insertOrder(mergedId), await insertOrder(mergedId)];
    const survivorOrder = await insertOrder(survivorId);
    const eventsBefore = await changedEventsOf(cartId);

    expect(await accepted(merged(survivorId, mergedId))).toBe(1);

    const view = await customerView(survivorId);
    expect(view.cart).toMatchObject({ id: cartId, status: 'ACTIVE', customer: { id: survivorId } });
    expect(quantities(view)).toEqual({ [variant.id]: 2 });
    expect(view.orders.edges.map((edge) => edge.node.id).sort()).toEqual([...orderIds, survivorOrder].sort());
    expect(await cartRow(oldCart)).toMatchObject({ status: 'CHECKED_OUT', customer_id: survivorId });
    expect(await changedEventsOf(cartId)).toBe(eventsBefore + 1);
    const left = await customerView(mergedId);
    expect(left).toMatchObject({ cart: null, orders: { totalCount: 0 } });
  });

  it('merges lines into the survivor’s cart, capped by availability and the line maximum, and closes the merged cart; a replay changes nothing', async () => {
    const [scarce, plenty, onlyMerged, onlySurvivor] = [freshVariant(), freshVariant(), freshVariant(), freshVariant()];
    await onlyStock(scarce.id, 3);
    await onlyStock(plenty.id, 5000);
    await onlyStock(onlyMerged.id, 5);
    await onlyStock(onlySurvivor.id, 5);
    const [survivorId, mergedId] = [newId('cus'), newId('cus')];
    const survivorCart = await cartWith(callers.customer(survivorId), [
      { variantId: scarce.id, quantity: 2 },
      { variantId: plenty.id, quantity: 900 },
      { variantId: onlySurvivor.id, quantity: 1 },
    ]);
    const mergedCart = await cartWith(callers.customer(mergedId, 'MOBILE_APP'), [
      { variantId: scarce.id, quantity: 2 },
      { variantId: plenty.id, quantity: 200 },
      { variantId: onlyMerged.id, quantity: 4 },
    ]);

    const first = merged(survivorId, mergedId);
    expect(await accepted(first)).toBe(1);
    const view = await customerView(survivorId);
    expect(view.cart!.id).toBe(survivorCart);
    expect(quantities(view)).toEqual({ [scarce.id]: 3, [plenty.id]: MAX_LINE_QUANTITY, [onlyMerged.id]: 4, [onlySurvivor.id]: 1 });
    // Closed carts are records of the person, so the closed one follows the survivor too.
    expect(await cartRow(mergedCart)).toMatchObject({ status: 'MERGED', customer_id: survivorId });
    expect(await changedEventsOf(mergedCart)).toBeGreaterThan(0);
    const survivorVersion = (await cartRow(survivorCart)).version;

    expect(await accepted(first)).toBe(0);
    expect(quantities(await customerView(survivorId))).toEqual(quantities(view));
    expect((await cartRow(survivorCart)).version).toBe(survivorVersion);
  });

  it('lets a token from before the merge reach the survivor’s cart, and nobody else', async () => {
    const variant = freshVariant();
    await setStock(h, variant.id, WAREHOUSE.id, 10);
    const [survivorId, mergedId] = [newId('cus'), newId('cus')];
    const survivorCart = await cartWith(callers.customer(survivorId), [{ variantId: variant.id, quantity: 1 }]);
    expect(await accepted(merged(survivorId, mergedId))).toBe(1);

    const stale = callers.customer(mergedId);
    expect(expectData(await h.as(stale)(READ, { id: survivorCart })).cart).toMatchObject({ id: survivorCart, customer: { id: survivorId } });
    for (const id of [mergedId, survivorId]) {
      const reps = [{ __typename: 'Customer', id }];
      expect(expectData(await h.as(stale)(CART_OF, { reps }))._entities[0].cart.id).toBe(survivorCart);
    }
    const changed = expectData(
      await h.as(stale)(`mutation($input: UpdateCartLinesInput!) { updateCartLines(input: $input) { cart { totalQuantity } userErrors { code } } }`, {
        input: { cartId: survivorCart, lines: [{ lineId: (await lineIdsOf(survivorCart))[0], quantity: 3 }] },
      }),
    ).updateCartLines;
    expect(changed).toEqual({ cart: { totalQuantity: 3 }, userErrors: [] });
    // Opening "my cart" again answers the survivor's cart rather than starting one for the merged id.
    expect(expectData(await h.as(stale)(`mutation { createCart(input: {}) { cart { id } userErrors { code } } }`)).createCart).toEqual({ cart: { id: survivorCart }, userErrors: [] });

    // The stale token checks the cart out and reads the order as the survivor's.
    const placed = await checkoutAs(h.as(stale), {
      cartId: survivorCart,
      idempotencyKey: 'stale-token',
      fulfillment: { method: 'DELIVERY', shippingAddress: ADDRESS },
      payment: { provider: 'TEST_CARD', cardToken: 'tok_visa' },
    });
    expect(placed.userErrors).toEqual([]);
    expect(placed.order!.customer).toEqual({ id: survivorId });
    const ordersOf = expectData(await h.as(stale)(`query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Customer { orders(first: 5) { edges { node { id } } } } } }`, { reps: [{ __typename: 'Customer', id: survivorId }] }));
    expect(ordersOf._entities[0].orders.edges).toEqual([{ node: { id: placed.order!.id } }]);

    const stranger = callers.customer(newId('cus'));
    expect((await h.as(stranger)(READ, { id: survivorCart })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await h.as(stranger)(`query($id: ID!) { order(id: $id) { id } }`, { id: placed.order!.id })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('is internal: shoppers and staff are refused', async () => {
    for (const caller of [callers.customer(newId('cus')), callers.admin()]) {
      const result = await h.as(caller)(RECEIVE, { events: [merged(newId('cus'), newId('cus'))] });
      expect(result.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
  });

  it.runIf(onPostgresServer())('applies a merge delivered to two consumers at once only once', async () => {
    const variant = freshVariant();
    await onlyStock(variant.id, 100);
    const [survivorId, mergedId] = [newId('cus'), newId('cus')];
    await cartWith(callers.customer(survivorId), [{ variantId: variant.id, quantity: 1 }]);
    await cartWith(callers.customer(mergedId), [{ variantId: variant.id, quantity: 2 }]);
    const once = merged(survivorId, mergedId);
    const results = await Promise.all([deliver(once), deliver(once), deliver(once)]);
    expect(results.map((result) => expectData(result).receiveCartEvents.accepted as number).sort()).toEqual([0, 0, 1]);
    expect(quantities(await customerView(survivorId))).toEqual({ [variant.id]: 3 });
  });
});

async function lineIdsOf(cartId: string): Promise<string[]> {
  return rowsOf<{ id: string }>(await h.cartDatabase.db.execute(sql`select id from cart.cart_lines where cart_id = ${cartId} order by id`)).map((row) => row.id);
}

describe('customer.signed_in', () => {
  it('hands the guest’s active cart to the customer, or merges it into theirs', async () => {
    const variant = freshVariant();
    await onlyStock(variant.id, 10);
    const [guestId, customerId] = [newId('guest'), newId('cus')];
    const guestCart = await cartWith(guest(guestId), [{ variantId: variant.id, quantity: 2 }]);
    const adoption = signedIn(customerId, guestId);
    expect(await accepted(adoption)).toBe(1);
    expect((await customerView(customerId)).cart).toMatchObject({ id: guestCart, customer: { id: customerId } });
    expect(await accepted(adoption)).toBe(0);

    const secondGuest = newId('guest');
    const secondCart = await cartWith(guest(secondGuest), [{ variantId: variant.id, quantity: 1 }]);
    expect(await accepted(signedIn(customerId, secondGuest))).toBe(1);
    const view = await customerView(customerId);
    expect(view.cart!.id).toBe(guestCart);
    expect(quantities(view)).toEqual({ [variant.id]: 3 });
    expect(await cartRow(secondCart)).toMatchObject({ status: 'MERGED' });
  });

  it('changes nothing without a guest cart', async () => {
    const customerId = newId('cus');
    expect(await accepted(signedIn(customerId, newId('guest')), signedIn(customerId, null))).toBe(2);
    expect((await customerView(customerId)).cart).toBeNull();
  });
});
