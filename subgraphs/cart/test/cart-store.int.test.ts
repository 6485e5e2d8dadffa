import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Caller } from '@omni/auth';
import { newId } from '@omni/db';
import { DEMO_STAFF } from '@omni/demo-data';
import { callers, expectData } from '@omni/testing';
import { listPricing, type PricingRequest } from '../src/services/pricing';
import { BERLIN, CASHIER, HAMBURG, WAREHOUSE, checkoutAs, freshVariant, setStock, startCheckoutHarness, type CheckoutHarness } from './checkout-helpers';

/**
 * `Cart.store`: the store a sale happens at, set when the cart is created (who may name which
 * store, what a till's cart defaults to), and the store checkout prices the cart at.
 */
let h: CheckoutHarness;
/** Every pricing request checkout made, priced at list prices. */
const priced: PricingRequest[] = [];

beforeAll(async () => {
  h = await startCheckoutHarness({
    pricing: async (request) => {
      priced.push(request);
      return listPricing(request);
    },
  });
});
afterAll(async () => {
  await h?.stop();
});

const CREATE = `mutation($input: CreateCartInput!) { createCart(input: $input) { cart { id channel store { id } } userErrors { code field } } }`;
const create = async (caller: Caller, input: Record<string, unknown>) =>
  expectData(await h.as(caller)(CREATE, { input })).createCart as { cart: { id: string; channel: string; store: { id: string } | null } | null; userErrors: { code: string; field: string[] }[] };
const cashier = (channel: Caller['channel'] = 'POS') => callers.staff(CASHIER.id, CASHIER.homeLocationId, channel, 'CASHIER');
const agent = DEMO_STAFF.find((staff) => staff.role === 'SUPPORT_AGENT')!;

describe('createCart with a store', () => {
  it("puts a cashier's till cart at their store, named or not, and leaves other carts online", async () => {
    expect(CASHIER.homeLocationId).toBe(BERLIN.id);
    expect((await create(cashier(), {})).cart).toMatchObject({ channel: 'POS', store: { id: BERLIN.id } });
    expect((await create(cashier(), { customerId: newId('cus'), storeId: BERLIN.id })).cart).toMatchObject({ channel: 'POS', store: { id: BERLIN.id } });
    // Staff working another channel sell online unless they name their store.
    expect((await create(callers.staff(agent.id, agent.homeLocationId, 'CALL_CENTER', 'SUPPORT_AGENT'), { customerId: newId('cus') })).cart?.store).toBeNull();
    expect((await create(callers.customer(newId('cus')), {})).cart?.store).toBeNull();
    expect((await create(callers.admin(), { customerId: newId('cus'), channel: 'POS' })).cart?.store).toBeNull();
  });

  it('lets admins name any store, staff only their own, and shoppers none', async () => {
    expect((await create(callers.admin(), { customerId: newId('cus'), channel: 'POS', storeId: HAMBURG.id })).cart?.store).toEqual({ id: HAMBURG.id });
    const refusals: [Caller, string][] = [
      [cashier(), HAMBURG.id],
      [callers.customer(newId('cus')), BERLIN.id],
      [{ kind: 'guest', channel: 'WEB', guestId: newId('gst'), scopes: ['catalog:read'] }, BERLIN.id],
    ];
    for (const [caller, storeId] of refusals) {
      expect(await create(caller, { customerId: caller.kind === 'staff' ? newId('cus') : undefined, storeId })).toEqual({ cart: null, userErrors: [expect.objectContaining({ code: 'FORBIDDEN', field: ['input', 'storeId'] })] });
    }
  });

  it('refuses a store the catalog does not know, a warehouse and a malformed id, opening nothing', async () => {
    const customerId = newId('cus');
    const cases: [string, string][] = [
      [newId('loc'), 'NOT_FOUND'],
      [WAREHOUSE.id, 'INVALID'],
      ['berlin', 'INVALID'],
    ];
    for (const [storeId, code] of cases) {
      expect(await create(callers.admin(), { customerId, storeId })).toEqual({ cart: null, userErrors: [expect.objectContaining({ code, field: ['input', 'storeId'] })] });
    }
    // Nothing was opened: the customer's first cart is the one created now, online.
    expect((await create(callers.admin(), { customerId })).cart?.store).toBeNull();
  });

  it('resolves the store from a bare Cart reference, as the promotions subgraph requires it', async () => {
    const { cart } = await create(cashier(), { customerId: newId('cus') });
    const ENTITIES = `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Cart { id store { id } } } }`;
    const data = expectData(await h.as(callers.admin())(ENTITIES, { reps: [{ __typename: 'Cart', id: cart!.id }] }));
    expect(data._entities).toEqual([{ id: cart!.id, store: { id: BERLIN.id } }]);
  });
});

describe('checkout prices the cart at its store', () => {
  const fill = async (caller: Caller, cartId: string, variantId: string) => {
    const ADD = `mutation($input: AddCartLinesInput!) { addCartLines(input: $input) { userErrors { code } } }`;
    expect(expectData(await h.as(caller)(ADD, { input: { cartId, lines: [{ variantId, quantity: 1 }] } })).addCartLines.userErrors).toEqual([]);
  };

  it("sends the till's store to pricing, and no store for a web order collected in a store", async () => {
    const variant = freshVariant();
    await setStock(h, variant.id, BERLIN.id, 5);

    const till = (await create(cashier(), { customerId: newId('cus') })).cart!;
    await fill(cashier(), till.id, variant.id);
    priced.length = 0;
    const sold = await checkoutAs(h.as(cashier()), { cartId: till.id, idempotencyKey: 'till-1', fulfillment: { method: 'PICKUP', locationId: BERLIN.id }, payment: { provider: 'CASH' } });
    expect(sold.userErrors).toEqual([]);
    expect(priced.map((request) => request.locationId)).toEqual([BERLIN.id]);

    const shopper = callers.customer(newId('cus'));
    const web = (await create(shopper, {})).cart!;
    await fill(shopper, web.id, variant.id);
    priced.length = 0;
    const collected = await checkoutAs(h.as(shopper), { cartId: web.id, idempotencyKey: 'web-1', fulfillment: { method: 'PICKUP', locationId: BERLIN.id }, payment: { provider: 'PAY_AT_PICKUP' } });
    expect(collected.userErrors).toEqual([]);
    expect(priced.map((request) => request.locationId)).toEqual([null]);
  });
});
