import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_LOCATIONS, demoCatalog, demoCustomer, demoStaffMember } from '@omni/demo-data';
import { expectData } from '@omni/testing';
import { startTestSupergraph, type TestSupergraph } from './support/test-supergraph';

/** J11 through the gateway: `StaffMember.sales` lists what was credited to a person, in every channel, to whom may see it. */
let supergraph: TestSupergraph;

beforeAll(async () => {
  supergraph = await startTestSupergraph();
}, 120_000);

afterAll(async () => {
  await supergraph?.close();
});

const BERLIN = DEMO_LOCATIONS.find((location) => location.key === 'berlin-mitte')!.id;
const WAREHOUSE = DEMO_LOCATIONS.find((location) => location.kind === 'WAREHOUSE')!.id;
const agent = demoStaffMember('support-agent');
const cashier = demoStaffMember('berlin-cashier');
const { products, stock } = demoCatalog();
const onHand = (variantId: string, locationId: string) => stock.find((level) => level.variantId === variantId && level.locationId === locationId)?.onHand ?? 0;
const variant = products.map((product) => product.variants[0]!).find((candidate) => onHand(candidate.id, WAREHOUSE) >= 3)!;

const SALES = `query($id: ID!, $first: Int, $after: String) { staffMember(id: $id) { id sales(first: $first, after: $after) {
  totalCount totals { amount currencyCode } pageInfo { hasNextPage endCursor }
  edges { cursor node { id channel placedAt total { amount } creditedStaff { id } } } } } }`;

const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();

describe('StaffMember.sales', () => {
  it("lists a web order built by a support agent's cart edits among the agent's sales", async () => {
    const ben = demoCustomer('ben');
    const agentClient = await supergraph.as('staff', 'support-agent', 'CALL_CENTER');
    const web = await supergraph.as('customer', 'ben', 'WEB');

    const before = expectData(await agentClient(SALES, { id: agent.id })).staffMember.sales;
    expect(before.totalCount).toBe(0);
    expect(before.totals).toEqual([]);

    // The agent builds the customer's cart on the phone; the customer pays on the web later.
    const cartId = expectData(await agentClient('mutation($input: CreateCartInput!) { createCart(input: $input) { cart { id } userErrors { code } } }', { input: { customerId: ben.id } })).createCart.cart.id;
    const added = expectData(
      await agentClient('mutation($input: AddCartLinesInput!) { addCartLines(input: $input) { userErrors { code message } } }', { input: { cartId, lines: [{ variantId: variant.id, quantity: 2 }] } }),
    ).addCartLines;
    expect(added.userErrors).toEqual([]);
    const placed = expectData(
      await web('mutation($input: CheckoutInput!) { checkout(input: $input) { order { id channel total { amount currencyCode } creditedStaff { id } } userErrors { code message } } }', {
        input: {
          cartId,
          idempotencyKey: 'staff-sales-web-order',
          fulfillment: { method: 'DELIVERY', locationId: WAREHOUSE, shippingAddress: { name: 'Ben', line1: 'Torstr. 1', postalCode: '10119', city: 'Berlin', countryCode: 'DE' } },
          payment: { provider: 'TEST_CARD', cardToken: 'tok_visa' },
        },
      }),
    ).checkout;
    expect(placed.userErrors).toEqual([]);
    expect(placed.order.channel).toBe('WEB');
    expect(placed.order.creditedStaff).toEqual({ id: agent.id });

    const sales = expectData(await agentClient(SALES, { id: agent.id })).staffMember.sales;
    expect(sales.totalCount).toBe(1);
    expect(sales.edges.map((edge: { node: { id: string } }) => edge.node)).toEqual([
      expect.objectContaining({ id: placed.order.id, channel: 'WEB', total: { amount: placed.order.total.amount }, creditedStaff: { id: agent.id } }),
    ]);
    expect(sales.totals).toEqual([placed.order.total]);

    // An admin sees the same; a Berlin manager does not manage the agent, a cashier is not them.
    expect(expectData(await (await supergraph.as('admin'))(SALES, { id: agent.id })).staffMember.sales.totalCount).toBe(1);
    for (const [role, key] of [['staff', 'berlin-manager'], ['staff', 'berlin-cashier'], ['customer', 'ben']] as const) {
      const refused = await (await supergraph.as(role, key))(SALES, { id: agent.id });
      expect(refused.errors?.map((error) => error.extensions?.code)).toEqual(['FORBIDDEN']);
    }
  });

  it("pages a cashier's sales newest first for their store's manager, with totals across every page", async () => {
    const till = await supergraph.as('staff', 'berlin-cashier', 'POS');
    const upload = async (receiptId: string, soldAt: string, unitPrice: string) => {
      const recorded = expectData(
        await till('mutation($input: RecordOfflineSaleInput!) { recordOfflineSale(input: $input) { order { id } userErrors { code message } } }', {
          input: { storeId: BERLIN, receiptId, soldAt, lines: [{ variantId: variant.id, quantity: 1, unitPrice }] },
        }),
      ).recordOfflineSale;
      expect(recorded.userErrors).toEqual([]);
      return recorded.order.id as string;
    };
    // Uploaded out of order: the list follows when each sale happened, not when it arrived.
    const middle = await upload('sales-r2', minutesAgo(20), '2.00');
    const newest = await upload('sales-r3', minutesAgo(10), '3.00');
    const oldest = await upload('sales-r1', minutesAgo(30), '1.00');

    const manager = await supergraph.as('staff', 'berlin-manager', 'POS');
    const first = expectData(await manager(SALES, { id: cashier.id, first: 2 })).staffMember.sales;
    expect(first.edges.map((edge: { node: { id: string } }) => edge.node.id)).toEqual([newest, middle]);
    expect(first.pageInfo.hasNextPage).toBe(true);
    expect(first.totalCount).toBe(3);
    expect(first.totals).toEqual([{ amount: '6.00', currencyCode: 'EUR' }]);
    const second = expectData(await manager(SALES, { id: cashier.id, first: 2, after: first.pageInfo.endCursor })).staffMember.sales;
    expect(second.edges.map((edge: { node: { id: string } }) => edge.node.id)).toEqual([oldest]);
    expect(second.pageInfo.hasNextPage).toBe(false);
  });

  it('refuses a malformed cursor or page size as bad input', async () => {
    const admin = await supergraph.as('admin');
    for (const variables of [{ id: cashier.id, after: 'not-a-cursor' }, { id: cashier.id, first: 101 }, { id: cashier.id, first: -1 }]) {
      const response = await admin(SALES, variables);
      expect(response.errors?.map((error) => error.extensions?.code)).toEqual(['BAD_USER_INPUT']);
    }
  });
});
