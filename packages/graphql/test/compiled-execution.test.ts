import { ApolloServer } from '@apollo/server';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { GraphQLError, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { compiledExecutionGateway } from '../src/compiled-execution';

/** A subgraph with what the real ones use: entities, lists of objects loaded later, errors with codes, non-null fields. */
const SDL = parse(/* GraphQL */ `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])

  type Query {
    products(first: Int = 2): [Product!]!
    product(id: ID!): Product
    secret: String
    broken: Product
  }

  type Mutation {
    append(word: String!): [String!]!
  }

  type Product @key(fields: "id") {
    id: ID!
    title: String!
    variants: [Variant!]!
    failingName: String!
  }

  type Variant {
    sku: String!
    stock(location: String!): Int
  }
`);

interface Product {
  id: string;
  title: string;
}
const PRODUCTS: Product[] = [1, 2, 3].map((n) => ({ id: `p${n}`, title: `Product ${n}` }));

function schema() {
  const words: string[] = [];
  return buildSubgraphSchema([
    {
      typeDefs: SDL,
      resolvers: {
        Query: {
          products: (_: unknown, { first }: { first: number }) => PRODUCTS.slice(0, first),
          product: async (_: unknown, { id }: { id: string }) => PRODUCTS.find((product) => product.id === id) ?? null,
          secret: () => {
            throw new GraphQLError('Not yours', { extensions: { code: 'FORBIDDEN' } });
          },
          broken: () => PRODUCTS[0],
        },
        Mutation: {
          // Resolved later than it is called, so a second field run at once would see the first's word missing.
          append: async (_: unknown, { word }: { word: string }) => {
            const seen = [...words];
            await new Promise((resolve) => setTimeout(resolve, 5));
            words.splice(0, words.length, ...seen, word);
            return [...words];
          },
        },
        Product: {
          __resolveReference: async (reference: { id: string }) => PRODUCTS.find((product) => product.id === reference.id) ?? null,
          variants: async (product: Product) => [1, 2].map((n) => ({ sku: `${product.id}-v${n}` })),
          failingName: () => {
            throw new Error('database gone');
          },
        },
        Variant: {
          stock: (variant: { sku: string }, { location }: { location: string }) => (location === 'nowhere' ? null : variant.sku.length),
        },
      },
    },
  ]);
}

function servers(compileAtUse = 1) {
  const gateway = compiledExecutionGateway(schema(), { compileAtUse, maxCompiled: 3 });
  const compiled = new ApolloServer({ gateway, includeStacktraceInErrorResponses: false });
  const interpreted = new ApolloServer({ schema: schema(), includeStacktraceInErrorResponses: false });
  return { gateway, compiled, interpreted };
}

async function answer(server: ApolloServer, query: string, variables?: Record<string, unknown>) {
  const response = await server.executeOperation({ query, variables });
  if (response.body.kind !== 'single') throw new Error('expected a single result');
  return { status: response.http.status, result: response.body.singleResult };
}

const OPERATIONS: { name: string; query: string; variables?: Record<string, unknown> }[] = [
  { name: 'nested lists with arguments from variables', query: 'query($at: String!) { products(first: 3) { id title variants { sku stock(location: $at) } } }', variables: { at: 'store' } },
  { name: 'aliases, fragments, skip and include', query: 'query($x: Boolean!) { a: products { ...P } b: products(first: 1) { id @skip(if: $x) title @include(if: $x) } } fragment P on Product { id }', variables: { x: true } },
  { name: 'entities by reference', query: 'query($r: [_Any!]!) { _entities(representations: $r) { __typename ... on Product { title variants { sku } } } }', variables: { r: [{ __typename: 'Product', id: 'p2' }, { __typename: 'Product', id: 'none' }] } },
  { name: 'an error with a code on a nullable field', query: '{ secret products(first: 1) { id } }' },
  { name: 'a failing non-null field nulls its parent', query: '{ broken { id failingName } product(id: "p1") { title } }' },
  { name: 'an argument default', query: '{ products { id } }' },
];

describe('compiled execution', () => {
  it.each(OPERATIONS)('answers $name exactly as graphql-js does', async ({ query, variables }) => {
    const { gateway, compiled, interpreted } = servers();
    await Promise.all([compiled.start(), interpreted.start()]);
    try {
      const expected = await answer(interpreted, query, variables);
      expect(await answer(compiled, query, variables)).toEqual(expected);
      expect(gateway.compiledOperations()).toBe(1);
      // The second run reuses what the first compiled.
      expect(await answer(compiled, query, variables)).toEqual(expected);
      expect(gateway.compiledOperations()).toBe(1);
    } finally {
      await Promise.all([compiled.stop(), interpreted.stop()]);
    }
  });

  it('compiles a query only at its configured use, and keeps a bounded number', async () => {
    const { gateway, compiled } = servers(2);
    await compiled.start();
    try {
      await answer(compiled, '{ products { id } }');
      expect(gateway.compiledOperations()).toBe(0);
      await answer(compiled, '{ products { id } }');
      expect(gateway.compiledOperations()).toBe(1);
      for (let first = 1; first <= 5; first += 1) {
        const query = `{ products(first: ${first}) { title } }`;
        await answer(compiled, query);
        expect((await answer(compiled, query)).result.data).toEqual({ products: PRODUCTS.slice(0, first).map(({ title }) => ({ title })) });
      }
      expect(gateway.compiledOperations()).toBe(3);
    } finally {
      await compiled.stop();
    }
  });

  it('answers variables that fail coercion with graphql-js own BAD_USER_INPUT error', async () => {
    const { compiled, interpreted } = servers();
    await Promise.all([compiled.start(), interpreted.start()]);
    try {
      const query = 'query($id: ID!) { product(id: $id) { title } }';
      // Compiled by the first, valid use; the invalid ones then meet the compiled query.
      expect((await answer(compiled, query, { id: 'p3' })).result.data).toEqual({ product: { title: 'Product 3' } });
      for (const variables of [{}, { id: { nested: true } }, { id: null }]) {
        const expected = await answer(interpreted, query, variables);
        expect(expected.result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
        expect(await answer(compiled, query, variables)).toEqual(expected);
      }
    } finally {
      await Promise.all([compiled.stop(), interpreted.stop()]);
    }
  });

  it('runs introspection and mutations on graphql-js, mutations one after another', async () => {
    const { gateway, compiled, interpreted } = servers();
    await Promise.all([compiled.start(), interpreted.start()]);
    try {
      const introspection = '{ __schema { queryType { name } } __type(name: "Variant") { fields { name } } }';
      expect(await answer(compiled, introspection)).toEqual(await answer(interpreted, introspection));
      const mutation = 'mutation { first: append(word: "a") second: append(word: "b") }';
      expect((await answer(compiled, mutation)).result.data).toEqual({ first: ['a'], second: ['a', 'b'] });
      expect(gateway.compiledOperations()).toBe(0);
    } finally {
      await Promise.all([compiled.stop(), interpreted.stop()]);
    }
  });
});
