import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoCart, demoCatalog, demoConversation, demoCustomer, DEMO_PROMOTIONS } from '@omni/demo-data';
import { toMoney } from '@omni/graphql';
import { expectData, gatewayClient } from '@omni/testing';
import { startTestSupergraph, type TestSupergraph } from './support/test-supergraph';

let supergraph: TestSupergraph;
const anna = demoCustomer('anna');
const ben = demoCustomer('ben');
const chen = demoCustomer('chen');

beforeAll(async () => {
  supergraph = await startTestSupergraph();
});

afterAll(async () => {
  await supergraph?.close();
});

const CUSTOMER_360 = /* GraphQL */ `
  query Customer360 {
    me {
      id
      displayName
      cart {
        id
        lines(first: 100) {
          edges { node { quantity unitPrice { amount } variant { id sku product { id title } } } }
        }
        subtotal { amount currencyCode }
        discounts { title amount { amount currencyCode } }
        total { amount currencyCode }
      }
      conversations(first: 5) { edges { node { id messages(first: 10) { edges { node { body } } } } } }
    }
  }
`;

describe('one query across five subgraphs', () => {
  it("reads Anna's profile, cart lines with variants and products, the discount and her conversation", async () => {
    const client = await supergraph.as('customer', 'anna');
    const data = expectData(await client(CUSTOMER_360));
    const cart = demoCart();
    const { products } = demoCatalog();
    const subtotalMinor = cart.lines.reduce((sum, line) => sum + line.quantity * line.unitPriceMinor, 0);
    const tenPercent = DEMO_PROMOTIONS.find((promotion) => promotion.kind === 'PERCENTAGE_OFF_ORDER')!;
    const discountMinor = Math.round((subtotalMinor * tenPercent.value) / 100);

    expect(data.me.id).toBe(anna.id);
    expect(data.me.displayName).toBe('Anna Ivanova');
    expect(data.me.cart.id).toBe(cart.id);
    expect(data.me.cart.lines.edges.map((edge: any) => [edge.node.variant.id, edge.node.quantity, edge.node.variant.product.title])).toEqual(
      cart.lines.map((line) => [line.variantId, line.quantity, products.find((p) => p.variants.some((v) => v.id === line.variantId))!.title]),
    );
    expect(data.me.cart.subtotal).toEqual(toMoney(subtotalMinor, 'EUR'));
    expect(data.me.cart.discounts).toEqual([{ title: tenPercent.name, amount: toMoney(discountMinor, 'EUR') }]);
    expect(data.me.cart.total).toEqual(toMoney(subtotalMinor - discountMinor, 'EUR'));
    expect(data.me.conversations.edges.map((edge: any) => edge.node.id)).toEqual([demoConversation().id]);
    expect(data.me.conversations.edges[0].node.messages.edges.map((edge: any) => edge.node.body)).toEqual(
      demoConversation().messages.map((message) => message.body),
    );
  });
});

describe('authentication and authorization', () => {
  it('refuses requests sent straight to any subgraph without the gateway signature', async () => {
    for (const [name, url] of Object.entries(supergraph.subgraphUrls)) {
      const response = await gatewayClient(url, await supergraph.token('admin'))('{ __typename }');
      expect({ name, status: response.status, code: response.errors?.[0]?.extensions?.code, data: response.data ?? null }).toEqual({
        name,
        status: 401,
        code: 'UNAUTHENTICATED',
        data: null,
      });
    }
  });

  it('refuses an invalid token instead of treating the caller as anonymous', async () => {
    const response = await gatewayClient(supergraph.gatewayUrl, 'not-a-token')('{ me { id } }');
    expect(response.status).toBe(401);
    expect(response.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it("does not let one customer read another customer's cart", async () => {
    const asBen = await supergraph.as('customer', 'ben');
    const byId = await asBen('query($id: ID!) { cart(id: $id) { id lines(first: 5) { edges { node { quantity } } } } }', { id: demoCart().id });
    expect(byId.data?.cart ?? null).toBeNull();
    expect(byId.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    const throughCustomer = await asBen('query($id: ID!) { customer(id: $id) { cart { id } } }', { id: anna.id });
    expect(throughCustomer.data?.customer ?? null).toBeNull();
    expect(throughCustomer.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it("lets a support agent read the customer's cart", async () => {
    const agent = await supergraph.as('staff', 'support-agent', 'CALL_CENTER');
    const data = expectData(await agent('query($id: ID!) { customer(id: $id) { cart { id } } }', { id: anna.id }));
    expect(data.customer.cart.id).toBe(demoCart().id);
  });

  it('answers a cashier the customer and their cart, with only the conversations refused', async () => {
    const cashier = await supergraph.as('staff', 'berlin-cashier');
    const response = await cashier('query($id: ID!) { customer(id: $id) { displayName cart { id } conversations(first: 5) { edges { node { id } } } } }', { id: anna.id });
    expect(response.data?.customer).toEqual({ displayName: 'Anna Ivanova', cart: { id: demoCart().id }, conversations: null });
    expect(response.errors?.map((error) => [error.path, error.extensions?.code])).toEqual([[['customer', 'conversations'], 'FORBIDDEN']]);
  });
});

describe('no N+1 across the supergraph', () => {
  async function fillCart(customerKey: string, variantIds: string[]) {
    const client = await supergraph.as('customer', customerKey);
    const created = expectData(await client('mutation { createCart(input: {}) { cart { id version } userErrors { code message } } }'));
    expect(created.createCart.userErrors).toEqual([]);
    const added = expectData(
      await client(
        'mutation($input: AddCartLinesInput!) { addCartLines(input: $input) { cart { totalQuantity } userErrors { code message field } } }',
        { input: { cartId: created.createCart.cart.id, lines: variantIds.map((variantId) => ({ variantId, quantity: 1 })) } },
      ),
    );
    expect(added.addCartLines.userErrors).toEqual([]);
    expect(added.addCartLines.cart.totalQuantity).toBe(variantIds.length);
    return client;
  }

  async function statementsFor(client: ReturnType<typeof gatewayClient>) {
    // The cart changes above feed the customer timeline in the background; let that finish first.
    await supergraph.settleEvents();
    const before = supergraph.totalStatements();
    const data = expectData(await client(CUSTOMER_360));
    return { statements: supergraph.totalStatements() - before, lines: data.me.cart.lines.edges.length };
  }

  it('loads 1 and 50 cart lines with their variants and products in the same number of SQL statements', async () => {
    const variants = demoCatalog().products.slice(100, 150).map((product) => product.variants[0]!.id);
    const oneLine = await statementsFor(await fillCart(chen.key, variants.slice(0, 1)));
    const fiftyLines = await statementsFor(await fillCart(ben.key, variants));
    expect(oneLine.lines).toBe(1);
    expect(fiftyLines.lines).toBe(50);
    expect(fiftyLines.statements).toBe(oneLine.statements);
  });
});
