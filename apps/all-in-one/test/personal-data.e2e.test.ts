import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoCart, demoCatalog, demoConversation, demoCustomer } from '@omni/demo-data';
import { expectData } from '@omni/testing';
import { startTestSupergraph, type TestSupergraph } from './support/test-supergraph';

/** J16 across the supergraph: export everything about a person, then erase them everywhere. */
let supergraph: TestSupergraph;
const anna = demoCustomer('anna');

beforeAll(async () => {
  supergraph = await startTestSupergraph();
});

afterAll(async () => {
  await supergraph?.close();
});

const EVERYTHING = `query($id: ID!) { customer(id: $id) {
  id firstName lastName locale displayName erasedAt identities { value }
  timeline { edges { node { summary } } } consents { purpose } recentlyViewed { id }
  loyalty { balance lifetimeEarned entries { edges { node { points } } } }
  cart { id lines(first: 10) { edges { node { id } } } }
  conversations(first: 10) { edges { node { id subject messages(first: 10) { edges { node { body } } } } } }
} }`;

describe('personal data (J16)', () => {
  it('exports what every subgraph holds, refuses erasure by others, and erases the person everywhere while keeping value records', async () => {
    const asAnna = await supergraph.as('customer', 'anna', 'WEB');
    const staff = await supergraph.as('staff', 'support-agent', 'CALL_CENTER');
    expectData(await asAnna(`mutation { setConsent(input: { purpose: MARKETING, contactChannel: EMAIL, granted: true, source: "checkout" }) { userErrors { code } } }`));
    expectData(
      await staff(`mutation($id: ID!) { earnLoyaltyPoints(input: { customerId: $id, points: 250, reason: "order", idempotencyKey: "e2e-erase-0001" }) { userErrors { code } } }`, { id: anna.id }),
    );

    const exported = expectData(await asAnna('{ exportCustomerData { customerId sections { source data } } }')).exportCustomerData;
    expect(exported.customerId).toBe(anna.id);
    const section = (source: string) => exported.sections.find((s: { source: string }) => s.source === source)!.data as string;
    expect(exported.sections.map((s: { source: string }) => s.source)).toEqual(['customer', 'cart', 'support']);
    expect(section('customer')).toContain('anna.ivanova@example.com');
    expect(section('customer')).toContain('checkout');
    expect(JSON.parse(section('cart')).carts.map((cart: { id: string }) => cart.id)).toEqual([demoCart().id]);
    expect(section('support')).toContain(demoConversation().messages[0]!.body);

    const before = expectData(await staff(EVERYTHING, { id: anna.id })).customer;
    const ben = await supergraph.as('customer', 'ben');
    const byBen = expectData(await ben(`mutation($id: ID!) { eraseCustomer(input: { customerId: $id }) { erasedIn userErrors { code } } }`, { id: anna.id }));
    expect(byBen.eraseCustomer).toEqual({ erasedIn: [], userErrors: [{ code: 'FORBIDDEN' }] });
    const byStaff = await staff(`mutation($id: ID!) { eraseCustomer(input: { customerId: $id }) { erasedIn } }`, { id: anna.id });
    expect(byStaff.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(expectData(await staff(EVERYTHING, { id: anna.id })).customer).toEqual(before);

    const erased = expectData(await asAnna('mutation { eraseCustomer(input: {}) { customer { id } erasedIn userErrors { code } } }')).eraseCustomer;
    expect(erased).toEqual({ customer: { id: anna.id }, erasedIn: ['customer', 'cart', 'support'], userErrors: [] });

    const after = expectData(await staff(EVERYTHING, { id: anna.id })).customer;
    expect(after).toMatchObject({
      id: anna.id,
      firstName: null,
      lastName: null,
      locale: null,
      displayName: 'Customer',
      identities: [],
      timeline: { edges: [] },
      consents: [],
      recentlyViewed: [],
      cart: null,
    });
    expect(after.erasedAt).not.toBeNull();
    const conversations = after.conversations.edges.map((edge: { node: { subject: string | null; messages: { edges: { node: { body: string } }[] } } }) => edge.node);
    expect(conversations).toHaveLength(1);
    expect(conversations[0]!.subject).toBeNull();
    expect(new Set(conversations[0]!.messages.edges.map((edge: { node: { body: string } }) => edge.node.body))).toEqual(new Set(['[erased]']));
    const rendered = JSON.stringify(after);
    for (const personal of ['Anna', 'Ivanova', 'anna.ivanova@example.com', '+4915112345001', '100200301', demoConversation().messages[0]!.body]) {
      expect(rendered).not.toContain(personal);
    }
    // Value records stay with the person removed, and still add up.
    expect(after.loyalty.balance).toBe(before.loyalty.balance);
    expect(after.loyalty.balance).toBe(1200 + 250);
    expect(after.loyalty.entries.edges.reduce((sum: number, edge: { node: { points: number } }) => sum + edge.node.points, 0)).toBe(after.loyalty.balance);

    const again = expectData(await asAnna('mutation { eraseCustomer(input: {}) { erasedIn userErrors { code } } }')).eraseCustomer;
    expect(again).toEqual({ erasedIn: ['customer', 'cart', 'support'], userErrors: [] });
    const exportedAfter = expectData(await asAnna('{ exportCustomerData { sections { source data } } }')).exportCustomerData;
    for (const personal of ['Ivanova', 'anna.ivanova@example.com', demoConversation().messages[0]!.body]) {
      expect(JSON.stringify(exportedAfter)).not.toContain(personal);
    }
  });

  // A cart change still in the cart's outbox when the customer erases themself is delivered after
  // the erasure: it must not put a timeline entry back on the erased record. Repeated for several
  // people, each racing an update straight into the erasure.
  it.each(['ben', 'chen', 'dmitry', 'elena'])('erasure wins over a cart event still in flight (%s)', async (key) => {
    const person = demoCustomer(key);
    const shopper = await supergraph.as('customer', key, 'WEB');
    const staff = await supergraph.as('staff', 'support-agent', 'CALL_CENTER');
    const variant = demoCatalog().products[10 + ['ben', 'chen', 'dmitry', 'elena'].indexOf(key)]!.variants[0]!;
    const cartId = expectData(await shopper('mutation { createCart(input: {}) { cart { id } } }')).createCart.cart.id as string;
    const added = expectData(
      await shopper(`mutation($input: AddCartLinesInput!) { addCartLines(input: $input) { cart { lines { edges { node { id } } } } userErrors { code } } }`, {
        input: { cartId, lines: [{ variantId: variant.id, quantity: 1 }] },
      }),
    ).addCartLines;
    expect(added.userErrors).toEqual([]);
    const lineId = added.cart.lines.edges[0].node.id as string;
    await supergraph.settleEvents();

    // No wait in between: the update's cart.changed is still in the outbox when the erasure runs.
    const updated = expectData(
      await shopper(`mutation($input: UpdateCartLinesInput!) { updateCartLines(input: $input) { userErrors { code } } }`, { input: { cartId, lines: [{ lineId, quantity: 2 }] } }),
    ).updateCartLines;
    expect(updated.userErrors).toEqual([]);
    const erased = expectData(await shopper('mutation { eraseCustomer(input: {}) { userErrors { code } } }')).eraseCustomer;
    expect(erased.userErrors).toEqual([]);
    await supergraph.settleEvents();

    const after = expectData(await staff(`query($id: ID!) { customer(id: $id) { erasedAt timeline { edges { node { kind summary } } } recentlyViewed { id } } }`, { id: person.id })).customer;
    expect(after.erasedAt).not.toBeNull();
    expect(after.timeline.edges).toEqual([]);
    expect(after.recentlyViewed).toEqual([]);

    // A token outlives the erasure, but nothing personal is recorded on the record again.
    const viewed = expectData(
      await shopper(`mutation($input: RecordProductViewInput!) { recordProductView(input: $input) { userErrors { code } } }`, { input: { productId: demoCatalog().products[10]!.id } }),
    ).recordProductView;
    expect(viewed.userErrors).toEqual([{ code: 'INVALID_STATE' }]);
    expect(expectData(await staff(`query($id: ID!) { customer(id: $id) { timeline { edges { node { kind } } } recentlyViewed { id } } }`, { id: person.id })).customer).toEqual({
      timeline: { edges: [] },
      recentlyViewed: [],
    });
  });
});
