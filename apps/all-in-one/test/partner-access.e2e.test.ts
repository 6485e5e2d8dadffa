import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoCart, demoConversation, demoCustomer, DEMO_PROMOTIONS, DEMO_STAFF } from '@omni/demo-data';
import { expectData } from '@omni/testing';
import { startTestSupergraph, type TestSupergraph } from './support/test-supergraph';

let supergraph: TestSupergraph;

beforeAll(async () => {
  supergraph = await startTestSupergraph();
});

afterAll(async () => {
  await supergraph?.close();
});

/** DESIGN §1: a partner key reads the catalog and nothing else, whichever subgraph owns the data. */
describe('a partner key', () => {
  it('reads the catalog', async () => {
    const partner = await supergraph.as('partner', 'acme');
    const data = expectData(await partner('{ products(first: 3) { edges { node { id title } } } }'));
    expect(data.products.edges).toHaveLength(3);
  });

  it.each([
    ['customer', 'query($id: ID!) { customer(id: $id) { id } }', { id: demoCustomer('anna').id }],
    ['staff member', 'query($id: ID!) { staffMember(id: $id) { name } }', { id: DEMO_STAFF[0]!.id }],
    ['cart', 'query($id: ID!) { cart(id: $id) { id } }', { id: demoCart().id }],
    ['promotion', 'query($id: ID!) { promotion(id: $id) { name } }', { id: DEMO_PROMOTIONS[0]!.id }],
    ['promotions', '{ promotions(first: 5) { edges { node { name } } } }', {}],
    ['conversation', 'query($id: ID!) { conversation(id: $id) { id } }', { id: demoConversation().id }],
  ])('cannot read a %s', async (_, query, variables) => {
    const partner = await supergraph.as('partner', 'acme');
    const response = await partner(query, variables);
    expect(Object.values(response.data ?? {}).every((value) => value === null)).toBe(true);
    expect(response.errors?.map((error) => error.extensions?.code)).toEqual(['FORBIDDEN']);
  });

  it('is nobody to `me`', async () => {
    const partner = await supergraph.as('partner', 'acme');
    expect(expectData(await partner('{ me { id } }')).me).toBeNull();
  });
});
