import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintAccessToken } from '@omni/auth';
import { DEMO_LOCATIONS, demoCatalog } from '@omni/demo-data';
import { expectData, gatewayClient, TEST_TOKEN_SECRET } from '@omni/testing';
import { startTestSupergraph, type TestSupergraph } from './support/test-supergraph';

/** Two customer records found to be one person: carts, orders and conversations follow the survivor. */
let supergraph: TestSupergraph;

beforeAll(async () => {
  supergraph = await startTestSupergraph();
});

afterAll(async () => {
  await supergraph?.close();
});

const BERLIN = DEMO_LOCATIONS.find((location) => location.key === 'berlin-mitte')!.id;
const { products, stock } = demoCatalog();
const onHand = (variantId: string) => stock.filter((level) => level.variantId === variantId).reduce((sum, level) => sum + level.onHand, 0);
const [shared, onlyMerged, onlySurvivor] = products
  .map((product) => product.variants[0]!)
  .filter((variant) => onHand(variant.id) >= 10 && (stock.find((level) => level.variantId === variant.id && level.locationId === BERLIN)?.onHand ?? 0) >= 3)
  .slice(-3);

const IDENTIFY = `mutation($input: IdentifyCustomerInput!) { identifyCustomer(input: $input) { customer { id } userErrors { code } } }`;
const CREATE = `mutation { createCart(input: {}) { cart { id } userErrors { code } } }`;
const ADD = `mutation($input: AddCartLinesInput!) { addCartLines(input: $input) { cart { id } userErrors { code } } }`;
const CHECKOUT = `mutation($input: CheckoutInput!) { checkout(input: $input) { order { id } userErrors { code message } } }`;
const START = `mutation($input: StartConversationInput!) { startConversation(input: $input) { conversation { id } userErrors { code } } }`;
const MERGE = `mutation($input: MergeCustomersInput!) { mergeCustomers(input: $input) { customer { id } userErrors { code } } }`;
const EVERYTHING = `query($id: ID!) { customer(id: $id) { id
  cart { id lines(first: 20) { edges { node { variant { id } quantity } } } }
  orders(first: 10) { edges { node { id } } }
  conversations(first: 10) { edges { node { id } } } } }`;

type Everything = {
  id: string;
  cart: { id: string; lines: { edges: { node: { variant: { id: string }; quantity: number } }[] } } | null;
  orders: { edges: { node: { id: string } }[] };
  conversations: { edges: { node: { id: string } }[] };
};

async function newCustomer(email: string) {
  const staff = await supergraph.as('staff', 'support-agent', 'WEB');
  const identified = expectData(await staff(IDENTIFY, { input: { identifiers: [{ kind: 'EMAIL', value: email, verified: true }] } })).identifyCustomer;
  expect(identified.userErrors).toEqual([]);
  const id = identified.customer.id as string;
  return { id, client: gatewayClient(supergraph.gatewayUrl, await mintAccessToken(TEST_TOKEN_SECRET, { role: 'customer', sub: id, channel: 'WEB' })) };
}

async function cartWith(client: ReturnType<typeof gatewayClient>, lines: { variantId: string; quantity: number }[]): Promise<string> {
  const cartId = expectData(await client(CREATE)).createCart.cart.id as string;
  expect(expectData(await client(ADD, { input: { cartId, lines } })).addCartLines.userErrors).toEqual([]);
  return cartId;
}

describe('J12: merging two customer records', () => {
  it('gives the survivor both carts’ lines, the merged customer’s orders and conversations', async () => {
    const merged = await newCustomer('merge.old@example.org');
    const survivor = await newCustomer('merge.new@example.org');

    // The merged record bought once, asked a question, and has a cart going.
    const firstCart = await cartWith(merged.client, [{ variantId: shared!.id, quantity: 1 }]);
    const placed = expectData(
      await merged.client(CHECKOUT, { input: { cartId: firstCart, idempotencyKey: 'merge-e2e-1', fulfillment: { method: 'PICKUP', locationId: BERLIN }, payment: { provider: 'PAY_AT_PICKUP' } } }),
    ).checkout;
    expect(placed.userErrors).toEqual([]);
    const conversation = expectData(await merged.client(START, { input: { body: 'Is my order ready?' } })).startConversation;
    expect(conversation.userErrors).toEqual([]);
    await cartWith(merged.client, [{ variantId: shared!.id, quantity: 2 }, { variantId: onlyMerged!.id, quantity: 1 }]);
    const survivorCart = await cartWith(survivor.client, [{ variantId: shared!.id, quantity: 1 }, { variantId: onlySurvivor!.id, quantity: 1 }]);

    const admin = await supergraph.as('admin');
    const merge = expectData(await admin(MERGE, { input: { survivorId: survivor.id, mergedId: merged.id, reason: 'Same person, two emails' } })).mergeCustomers;
    expect(merge).toMatchObject({ customer: { id: survivor.id }, userErrors: [] });
    await supergraph.settleEvents();

    const everything = expectData(await admin(EVERYTHING, { id: survivor.id })).customer as Everything;
    expect(everything.cart!.id).toBe(survivorCart);
    const quantities = Object.fromEntries(everything.cart!.lines.edges.map((edge) => [edge.node.variant.id, edge.node.quantity]));
    expect(quantities).toEqual({ [shared!.id]: 3, [onlyMerged!.id]: 1, [onlySurvivor!.id]: 1 });
    expect(everything.orders.edges.map((edge) => edge.node.id)).toEqual([placed.order.id]);
    expect(everything.conversations.edges.map((edge) => edge.node.id)).toEqual([conversation.conversation.id]);

    // The survivor sees the same through their own token.
    const own = expectData(await survivor.client(EVERYTHING, { id: survivor.id })).customer as Everything;
    expect(own).toEqual(everything);
  });
});
