import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Caller } from '@omni/auth';
import { newId } from '@omni/db';
import { DEMO_LOCATIONS } from '@omni/demo-data';
import { callers, expectData } from '@omni/testing';
import { WAREHOUSE, freshVariant, setStock, startCheckoutHarness, type CheckoutHarness } from './checkout-helpers';

let h: CheckoutHarness;

beforeAll(async () => {
  h = await startCheckoutHarness();
});

afterAll(async () => {
  await h?.stop();
});

/** The variant has `onHand` units at the warehouse and none anywhere else. */
async function onlyStock(variantId: string, onHand: number) {
  for (const location of DEMO_LOCATIONS) await setStock(h, variantId, location.id, location.id === WAREHOUSE.id ? onHand : 0);
}

const guest = (guestId: string): Caller => ({ kind: 'guest', channel: 'MOBILE_APP', guestId, scopes: ['catalog:read', 'storefront:read'] });
/** A customer token from `signInWithCode` on the device of that guest names the guest. */
const signedInFrom = (customerId: string, guestId: string, channel: Caller['channel'] = 'WEB'): Caller => ({ ...callers.customer(customerId, channel), guestId });
const MERGE = `mutation($input: MergeGuestCartInput!) { mergeGuestCart(input: $input) {
  cart { id version status customer { id } lines(first: 20) { edges { node { variant { id } quantity addedInChannel } } } }
  droppedVariants { id } userErrors { code field } } }`;
const READ = `query($id: ID!) { cart(id: $id) { id status version } }`;

async function cartWith(caller: Caller, lines: { variantId: string; quantity: number }[]) {
  const client = h.as(caller);
  const cartId = expectData(await client(`mutation { createCart(input: {}) { cart { id } } }`)).createCart.cart.id as string;
  const added = expectData(await client(`mutation($input: AddCartLinesInput!) { addCartLines(input: $input) { cart { version } userErrors { code } } }`, { input: { cartId, lines } })).addCartLines;
  expect(added.userErrors).toEqual([]);
  return { cartId, client, version: added.cart.version as number };
}

describe('mergeGuestCart', () => {
  it('combines quantities into the customer cart, capped by availability, and closes the guest cart', async () => {
    const [a, b, c] = [freshVariant(), freshVariant(), freshVariant()];
    await onlyStock(a.id, 3);
    await onlyStock(b.id, 5);
    await onlyStock(c.id, 5);
    const guestId = newId('guest');
    const guestCart = await cartWith(guest(guestId), [{ variantId: a.id, quantity: 2 }, { variantId: b.id, quantity: 1 }]);
    const customerId = newId('cus');
    const own = await cartWith(signedInFrom(customerId, guestId), [{ variantId: a.id, quantity: 2 }, { variantId: c.id, quantity: 1 }]);
    // Only 3 of A are left anywhere, so 2 + 2 is capped at 3.
    const merged = expectData(await own.client(MERGE, { input: { guestCartId: guestCart.cartId } })).mergeGuestCart;
    expect(merged.userErrors).toEqual([]);
    expect(merged.cart.id).toBe(own.cartId);
    const quantities = Object.fromEntries(merged.cart.lines.edges.map((edge: { node: { variant: { id: string }; quantity: number } }) => [edge.node.variant.id, edge.node.quantity]));
    expect(quantities).toEqual({ [a.id]: 3, [b.id]: 1, [c.id]: 1 });
    const fromGuest = merged.cart.lines.edges.find((edge: { node: { variant: { id: string } } }) => edge.node.variant.id === b.id).node;
    expect(fromGuest.addedInChannel).toBe('MOBILE_APP');
    expect(merged.droppedVariants).toEqual([]);

    const closed = expectData(await h.as(callers.admin())(READ, { id: guestCart.cartId })).cart;
    expect(closed.status).toBe('MERGED');
    const again = expectData(await own.client(MERGE, { input: { guestCartId: guestCart.cartId } })).mergeGuestCart;
    expect(again.userErrors).toEqual([expect.objectContaining({ code: 'INVALID_STATE', field: ['input', 'guestCartId'] })]);
  });

  it('hands the guest cart over as it is when the customer has no cart, and drops sold-out variants on a merge', async () => {
    const a = freshVariant();
    await setStock(h, a.id, WAREHOUSE.id, 4);
    const guestId = newId('guest');
    const guestCart = await cartWith(guest(guestId), [{ variantId: a.id, quantity: 1 }]);
    const customerId = newId('cus');
    const client = h.as(signedInFrom(customerId, guestId));
    const handed = expectData(await client(MERGE, { input: { guestCartId: guestCart.cartId } })).mergeGuestCart;
    expect(handed).toMatchObject({ userErrors: [], cart: { id: guestCart.cartId, status: 'ACTIVE', version: 3, customer: { id: customerId } } });

    const soldOut = freshVariant();
    await onlyStock(soldOut.id, 1);
    // The same customer signs in on a second device, where they filled another guest cart.
    const secondGuestId = newId('guest');
    const second = await cartWith(guest(secondGuestId), [{ variantId: soldOut.id, quantity: 1 }]);
    await onlyStock(soldOut.id, 0);
    const merged = expectData(await h.as(signedInFrom(customerId, secondGuestId))(MERGE, { input: { guestCartId: second.cartId } })).mergeGuestCart;
    expect(merged).toMatchObject({ userErrors: [], cart: { id: guestCart.cartId }, droppedVariants: [{ id: soldOut.id }] });
  });

  it('refuses carts that are not guest carts, and callers who are not signed-in customers', async () => {
    const variant = freshVariant();
    await setStock(h, variant.id, WAREHOUSE.id, 2);
    const customerCart = await cartWith(callers.customer(newId('cus')), [{ variantId: variant.id, quantity: 1 }]);
    const client = h.as(callers.customer(newId('cus')));
    const notGuest = expectData(await client(MERGE, { input: { guestCartId: customerCart.cartId } })).mergeGuestCart;
    expect(notGuest.userErrors).toEqual([expect.objectContaining({ code: 'NOT_FOUND', field: ['input', 'guestCartId'] })]);
    const unknown = expectData(await client(MERGE, { input: { guestCartId: newId('cart') } })).mergeGuestCart;
    expect(unknown.userErrors).toEqual([expect.objectContaining({ code: 'NOT_FOUND' })]);
    const asGuest = await h.as(guest(newId('guest')))(MERGE, { input: { guestCartId: newId('cart') } });
    expect(asGuest.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it("refuses another shopper's guest cart to a customer who merely knows its id", async () => {
    const variant = freshVariant();
    await setStock(h, variant.id, WAREHOUSE.id, 2);
    const guestId = newId('guest');
    const guestCart = await cartWith(guest(guestId), [{ variantId: variant.id, quantity: 1 }]);
    for (const caller of [callers.customer(newId('cus')), signedInFrom(newId('cus'), newId('guest'))]) {
      const taken = expectData(await h.as(caller)(MERGE, { input: { guestCartId: guestCart.cartId } })).mergeGuestCart;
      expect(taken).toMatchObject({ cart: null, userErrors: [expect.objectContaining({ code: 'NOT_FOUND', field: ['input', 'guestCartId'] })] });
    }
    const untouched = expectData(await h.as(callers.admin())(READ, { id: guestCart.cartId })).cart;
    expect(untouched.status).toBe('ACTIVE');
    expect(untouched.version).toBe(guestCart.version);
  });
});
