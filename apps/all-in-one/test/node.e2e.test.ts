import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSupergraph, type TestSupergraph } from './support/test-supergraph';

let supergraph: TestSupergraph;

beforeAll(async () => {
  supergraph = await startTestSupergraph();
});

afterAll(async () => {
  await supergraph?.close();
});

/** Data and errors of a response, without the HTTP status the client adds. */
const body = (response: { data?: unknown; errors?: unknown }) => ({ data: response.data, errors: response.errors });

const NODE = 'query N($id: ID!) { node(id: $id) { __typename id ... on Product { title } ... on Cart { totalQuantity } ... on Customer { displayName } } }';

describe('Query.node and Query.nodes (Relay Global Object Identification)', () => {
  it('fetches objects of different subgraphs again by id, with the fields their owners resolve', async () => {
    const anna = await supergraph.as('customer', 'anna');
    const me = (await anna('{ me { id displayName cart { id totalQuantity } } products(first: 1) { edges { node { id title } } } }')).data as any;
    const product = me.products.edges[0].node;
    expect(body(await anna(NODE, { id: product.id }))).toEqual({ data: { node: { __typename: 'Product', ...product } }, errors: undefined });
    expect(body(await anna(NODE, { id: me.me.id }))).toEqual({ data: { node: { __typename: 'Customer', id: me.me.id, displayName: me.me.displayName } }, errors: undefined });
    expect(body(await anna(NODE, { id: me.me.cart.id }))).toEqual({ data: { node: { __typename: 'Cart', ...me.me.cart } }, errors: undefined });
    const many = await anna('query M($ids: [ID!]!) { nodes(ids: $ids) { id } }', { ids: [product.id, 'nonsense', me.me.cart.id] });
    expect(body(many)).toEqual({ data: { nodes: [{ id: product.id }, null, { id: me.me.cart.id }] }, errors: undefined });
  });

  it("keeps the owner's rules: another customer cannot read a cart by its id", async () => {
    const anna = await supergraph.as('customer', 'anna');
    const cartId = ((await anna('{ me { cart { id } } }')).data as any).me.cart.id;
    const ben = await supergraph.as('customer', 'ben');
    const response = (await ben(NODE, { id: cartId })) as any;
    expect(response.data).toEqual({ node: null });
    expect(response.errors.map((error: any) => error.extensions.code)).toEqual(['FORBIDDEN']);
  });

  it('answers null, without errors, for ids of nothing and ids that are not ids', async () => {
    const anna = await supergraph.as('customer', 'anna');
    for (const id of ['prod_00000000000000000000000000', 'cart_00000000000000000000000000', 'line_00000000000000000000000000', 'x', '']) {
      expect(body(await anna(NODE, { id })), id).toEqual({ data: { node: null }, errors: undefined });
    }
    const tooMany = (await anna('query M($ids: [ID!]!) { nodes(ids: $ids) { id } }', { ids: Array.from({ length: 101 }, () => 'x') })) as any;
    expect(tooMany.errors[0].extensions.code).toBe('BAD_USER_INPUT');
  });
});
