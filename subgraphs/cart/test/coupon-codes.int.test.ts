import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Caller } from '@omni/auth';
import { newId } from '@omni/db';
import { callers, expectData } from '@omni/testing';
import type { CouponCheck, CouponCheckCart, CouponCheckPort } from '../src/services/coupon-check';
import { CASHIER, BERLIN, WAREHOUSE, freshVariant, rowsOf, setStock, startCheckoutHarness, type CheckoutHarness } from './checkout-helpers';

let h: CheckoutHarness;

/** What the promotions subgraph would answer for a few codes; every other code may go on a cart. */
const REFUSED: Record<string, CouponCheck> = {
  NOSUCH: { refusal: 'COUPON_UNKNOWN', startsAt: null },
  BYGONE: { refusal: 'COUPON_EXPIRED', startsAt: null },
  TOMORROW: { refusal: 'COUPON_NOT_ACTIVE', startsAt: new Date('2031-05-01T08:00:00.000Z') },
  WEBONLY: { refusal: 'COUPON_NOT_IN_CHANNEL', startsAt: null },
  SPENT: { refusal: 'COUPON_USED_UP', startsAt: null },
  'WELCOME-ANN': { refusal: 'COUPON_NOT_YOURS', startsAt: null },
};
const checked: { code: string; cart: CouponCheckCart }[] = [];
const couponCheck: CouponCheckPort = async (code, cart) => {
  checked.push({ code, cart });
  return REFUSED[code] ?? { refusal: null, startsAt: null };
};

beforeAll(async () => {
  h = await startCheckoutHarness({ couponCheck });
});

afterAll(async () => {
  await h?.stop();
});

const APPLY = `mutation($input: ApplyCouponCodeInput!) { applyCouponCode(input: $input) { cart { id version couponCodes } userErrors { code field message } } }`;
const REMOVE = `mutation($input: RemoveCouponCodeInput!) { removeCouponCode(input: $input) { cart { id version couponCodes } userErrors { code field message } } }`;
const READ = `query($id: ID!) { cart(id: $id) { id version status couponCodes } }`;
const MERGE = `mutation($input: MergeGuestCartInput!) { mergeGuestCart(input: $input) { cart { id couponCodes } userErrors { code } } }`;
const RECEIVE = `mutation($events: [DomainEventInput!]!) { receiveCartEvents(events: $events) { accepted } }`;

type Payload = { cart: { id: string; version: number; couponCodes: string[] } | null; userErrors: { code: string; field: string[] | null; message: string }[] };

const guest = (guestId: string): Caller => ({ kind: 'guest', channel: 'MOBILE_APP', guestId, scopes: ['catalog:read', 'storefront:read'] });
const signedInFrom = (customerId: string, guestId: string): Caller => ({ ...callers.customer(customerId), guestId });

async function apply(caller: Caller, input: Record<string, unknown>): Promise<Payload> {
  return expectData(await h.as(caller)(APPLY, { input })).applyCouponCode as Payload;
}
async function remove(caller: Caller, input: Record<string, unknown>): Promise<Payload> {
  return expectData(await h.as(caller)(REMOVE, { input })).removeCouponCode as Payload;
}
async function read(cartId: string): Promise<{ version: number; status: string; couponCodes: string[] }> {
  return expectData(await h.as(callers.admin())(READ, { id: cartId })).cart;
}

async function cartOf(caller: Caller, variantId?: string): Promise<string> {
  const client = h.as(caller);
  const cartId = expectData(await client(`mutation { createCart(input: {}) { cart { id } } }`)).createCart.cart.id as string;
  if (variantId) {
    const added = expectData(await client(`mutation($input: AddCartLinesInput!) { addCartLines(input: $input) { userErrors { code } } }`, { input: { cartId, lines: [{ variantId, quantity: 1 }] } }));
    expect(added.addCartLines.userErrors).toEqual([]);
  }
  return cartId;
}

async function changedEvents(cartId: string): Promise<{ version: number; couponCodes: string[] }[]> {
  const rows = rowsOf<{ payload: { version: number; couponCodes: string[] } }>(
    await h.cartDatabase.db.execute(sql`select payload from cart.outbox_events where type = 'cart.changed' and aggregate_id = ${cartId} order by id`),
  );
  return rows.map((row) => (typeof row.payload === 'string' ? JSON.parse(row.payload) : row.payload));
}

describe('applyCouponCode and removeCouponCode', () => {
  it('keeps codes upper-cased in the order entered, announces each change, and treats a repeat as no change', async () => {
    const customer = callers.customer(newId('cus'));
    const cartId = await cartOf(customer);

    const first = await apply(customer, { cartId, code: '  summer-10 ', expectedVersion: 1 });
    expect(first).toEqual({ cart: { id: cartId, version: 2, couponCodes: ['SUMMER-10'] }, userErrors: [] });
    const second = await apply(customer, { cartId, code: 'vip_2' });
    expect(second.cart).toMatchObject({ version: 3, couponCodes: ['SUMMER-10', 'VIP_2'] });

    // Entered again in another case: a retry, not a change (no version, no event).
    const again = await apply(customer, { cartId, code: 'Summer-10' });
    expect(again).toEqual({ cart: { id: cartId, version: 3, couponCodes: ['SUMMER-10', 'VIP_2'] }, userErrors: [] });

    const removed = await remove(customer, { cartId, code: 'summer-10', expectedVersion: 3 });
    expect(removed).toEqual({ cart: { id: cartId, version: 4, couponCodes: ['VIP_2'] }, userErrors: [] });
    const absent = await remove(customer, { cartId, code: 'SUMMER-10' });
    expect(absent).toEqual({ cart: null, userErrors: [{ code: 'NOT_FOUND', field: ['input', 'code'], message: expect.any(String) }] });

    expect((await changedEvents(cartId)).map((event) => [event.version, event.couponCodes])).toEqual([
      [2, ['SUMMER-10']],
      [3, ['SUMMER-10', 'VIP_2']],
      [4, ['VIP_2']],
    ]);
  });

  it('refuses malformed codes, a sixth code and a stale version, leaving the cart as it was', async () => {
    const customer = callers.customer(newId('cus'));
    const cartId = await cartOf(customer);
    for (const code of ['', '   ', 'A'.repeat(65), 'TEN%OFF', 'two words', 'ÄPFEL']) {
      const refused = await apply(customer, { cartId, code });
      expect(refused).toEqual({ cart: null, userErrors: [{ code: 'INVALID', field: ['input', 'code'], message: expect.any(String) }] });
    }
    expect(await apply(customer, { cartId, code: 'A'.repeat(64) })).toMatchObject({ userErrors: [] });
    for (const code of ['B1', 'B2', 'B3', 'B4']) expect((await apply(customer, { cartId, code })).userErrors).toEqual([]);
    const sixth = await apply(customer, { cartId, code: 'B5' });
    expect(sixth.userErrors).toEqual([{ code: 'INVALID', field: ['input', 'code'], message: expect.stringContaining('at most 5') }]);

    const stale = await remove(customer, { cartId, code: 'B1', expectedVersion: 2 });
    expect(stale.userErrors).toEqual([{ code: 'VERSION_CONFLICT', field: ['input', 'expectedVersion'], message: expect.any(String) }]);
    const staleApply = await apply(customer, { cartId, code: 'B6', expectedVersion: 1 });
    expect(staleApply.userErrors.map((error) => error.code)).toEqual(['VERSION_CONFLICT']);
    expect(await read(cartId)).toMatchObject({ version: 6, couponCodes: ['A'.repeat(64), 'B1', 'B2', 'B3', 'B4'] });
  });

  it('refuses a code promotions says cannot apply, with its reason at the code, leaving the cart as it was', async () => {
    const customerId = newId('cus');
    const customer = callers.customer(customerId);
    const cartId = await cartOf(customer);
    expect((await apply(customer, { cartId, code: 'keep-me' })).userErrors).toEqual([]);
    const expected: [string, string, RegExp][] = [
      ['nosuch', 'COUPON_UNKNOWN', /does not exist/],
      [' bygone', 'COUPON_EXPIRED', /expired/],
      ['tomorrow', 'COUPON_NOT_ACTIVE', /not valid yet; it starts on 2031-05-01 08:00 UTC/],
      ['webonly', 'COUPON_NOT_IN_CHANNEL', /not valid for this cart/],
      ['spent', 'COUPON_USED_UP', /used as often as it may/],
      ['welcome-ann', 'COUPON_NOT_YOURS', /personal offer for another customer/],
    ];
    for (const [code, reason, message] of expected) {
      expect(await apply(customer, { cartId, code, expectedVersion: 2 })).toEqual({ cart: null, userErrors: [{ code: reason, field: ['input', 'code'], message: expect.stringMatching(message) }] });
    }
    expect(await read(cartId)).toMatchObject({ version: 2, couponCodes: ['KEEP-ME'] });
    expect((await changedEvents(cartId)).map((event) => event.version)).toEqual([2]);
    // Asked with the cart's channel, currency and customer, the code normalised.
    expect(checked.find((call) => call.code === 'BYGONE')?.cart).toEqual({ channel: 'WEB', currencyCode: 'EUR', customerId });
  });

  it('does not ask again about a code the cart already carries, and never for a cart the caller may not change', async () => {
    const owner = callers.customer(newId('cus'));
    const cartId = await cartOf(owner);
    expect((await apply(owner, { cartId, code: 'ONCE-ASKED' })).userErrors).toEqual([]);
    const asked = () => checked.filter((call) => call.code === 'ONCE-ASKED').length;
    expect(asked()).toBe(1);
    expect((await apply(owner, { cartId, code: 'once-asked' })).userErrors).toEqual([]);
    expect(asked()).toBe(1);
    const stranger = await apply(callers.customer(newId('cus')), { cartId, code: 'NOSUCH-EITHER' });
    expect(stranger.userErrors.map((error) => error.code)).toEqual(['FORBIDDEN']);
    expect(checked.some((call) => call.code === 'NOSUCH-EITHER')).toBe(false);
  });

  it('lets the owner and staff change the codes, and refuses other shoppers', async () => {
    const customerId = newId('cus');
    const cartId = await cartOf(callers.customer(customerId));
    const stranger = await apply(callers.customer(newId('cus')), { cartId, code: 'STOLEN' });
    expect(stranger).toEqual({ cart: null, userErrors: [{ code: 'FORBIDDEN', field: ['input', 'cartId'], message: expect.any(String) }] });
    const otherGuest = await remove(guest(newId('guest')), { cartId, code: 'STOLEN' });
    expect(otherGuest.userErrors.map((error) => error.code)).toEqual(['FORBIDDEN']);
    const anonymous = await h.as(callers.anonymous())(APPLY, { input: { cartId, code: 'X' } });
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');

    // At the till, in another channel: the same cart takes the code.
    const cashier = await apply(callers.staff(CASHIER.id, BERLIN.id), { cartId, code: 'store-day' });
    expect(cashier).toMatchObject({ cart: { couponCodes: ['STORE-DAY'] }, userErrors: [] });
    expect(await read(cartId)).toMatchObject({ couponCodes: ['STORE-DAY'] });
    expect(await apply(callers.customer(newId('cus')), { cartId: newId('cart'), code: 'X' })).toMatchObject({ userErrors: [{ code: 'NOT_FOUND' }] });
  });

  it('carries the guest’s codes into the customer’s cart on sign-in, and keeps them when the guest cart is taken over', async () => {
    const variant = freshVariant();
    await setStock(h, variant.id, WAREHOUSE.id, 20);

    const guestId = newId('guest');
    const guestCart = await cartOf(guest(guestId), variant.id);
    for (const code of ['APP-ONLY', 'SHARED']) await apply(guest(guestId), { cartId: guestCart, code });
    const customerId = newId('cus');
    const ownCart = await cartOf(signedInFrom(customerId, guestId), variant.id);
    for (const code of ['SHARED', 'WEB-10']) await apply(signedInFrom(customerId, guestId), { cartId: ownCart, code });
    const merged = expectData(await h.as(signedInFrom(customerId, guestId))(MERGE, { input: { guestCartId: guestCart } })).mergeGuestCart;
    expect(merged).toEqual({ cart: { id: ownCart, couponCodes: ['SHARED', 'WEB-10', 'APP-ONLY'] }, userErrors: [] });
    expect(await read(guestCart)).toMatchObject({ status: 'MERGED' });

    const soloGuestId = newId('guest');
    const soloCart = await cartOf(guest(soloGuestId), variant.id);
    await apply(guest(soloGuestId), { cartId: soloCart, code: 'first-order' });
    const takenOver = expectData(await h.as(signedInFrom(newId('cus'), soloGuestId))(MERGE, { input: { guestCartId: soloCart } })).mergeGuestCart;
    expect(takenOver).toEqual({ cart: { id: soloCart, couponCodes: ['FIRST-ORDER'] }, userErrors: [] });
  });

  it('moves the merged customer’s codes to the survivor’s cart, up to the limit', async () => {
    const variant = freshVariant();
    await setStock(h, variant.id, WAREHOUSE.id, 20);
    const [survivorId, mergedId] = [newId('cus'), newId('cus')];
    const survivorCart = await cartOf(callers.customer(survivorId), variant.id);
    for (const code of ['S1', 'S2', 'S3', 'S4']) await apply(callers.customer(survivorId), { cartId: survivorCart, code });
    const mergedCart = await cartOf(callers.customer(mergedId), variant.id);
    for (const code of ['S2', 'M1', 'M2']) await apply(callers.customer(mergedId), { cartId: mergedCart, code });

    const event = { id: newId('evt'), type: 'customer.merged', producer: 'customer', aggregateId: survivorId, occurredAt: new Date().toISOString(), payload: JSON.stringify({ survivorId, mergedId, mergeId: newId('merge') }) };
    expect(expectData(await h.as(callers.service('customer'))(RECEIVE, { events: [event] })).receiveCartEvents.accepted).toBe(1);

    // Five fit: the survivor's own four, then the first of the merged cart's it does not carry.
    expect(await read(survivorCart)).toMatchObject({ status: 'ACTIVE', couponCodes: ['S1', 'S2', 'S3', 'S4', 'M1'] });
    expect((await changedEvents(survivorCart)).at(-1)?.couponCodes).toEqual(['S1', 'S2', 'S3', 'S4', 'M1']);
  });
});
