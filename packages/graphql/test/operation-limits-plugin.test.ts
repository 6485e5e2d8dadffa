import { ApolloServer } from '@apollo/server';
import { describe, expect, it } from 'vitest';
import { createErrorFormatter } from '../src/errors';
import { createOperationLimitsPlugin } from '../src/operation-limits';
import { annotations, SDL, variantProductChain } from './operation-limits-fixtures';

function server(reportCost = true) {
  let sent = 0;
  const apollo = new ApolloServer({
    typeDefs: SDL,
    resolvers: {
      Query: { product: () => ({ id: 'p', title: 'Parka', variants: [] }), products: () => ({ edges: [], pageInfo: { hasNextPage: false } }) },
      Mutation: { requestSignInCode: () => ++sent > 0 },
    },
    formatError: createErrorFormatter(() => {}),
    plugins: [createOperationLimitsPlugin({ limits: { maxDepth: 10, maxCost: 1000, maxAliases: 5, maxDirectives: 5, maxRootFields: 3 }, annotations, reportCost })],
  });
  return { apollo, sent: () => sent };
}

async function run(apollo: ApolloServer, query: string) {
  const response = await apollo.executeOperation({ query });
  if (response.body.kind !== 'single') throw new Error('expected a single result');
  return { status: response.http.status, ...response.body.singleResult };
}

describe('operation limits plugin', () => {
  it('reports the cost on a successful response', async () => {
    const { apollo } = server();
    const result = await run(apollo, '{ products(first: 10) { edges { node { id } } } }');
    expect(result.errors).toBeUndefined();
    expect(result.extensions).toEqual({ cost: { requestedQueryCost: 21, maximumAvailable: 1000 } });
  });

  it('refuses a deep or expensive operation with BAD_USER_INPUT and its cost', async () => {
    const { apollo } = server();
    const deep = await run(apollo, `{ product(id: "p") { ${variantProductChain(10)} } }`);
    expect(deep.status).toBe(400);
    expect(deep.data).toBeUndefined();
    expect(deep.errors).toEqual([
      {
        message: expect.stringMatching(/nests fields 22 levels deep; at most 10/),
        extensions: { code: 'BAD_USER_INPUT', cost: { requestedQueryCost: expect.any(Number), maximumAvailable: 1000 } },
      },
    ]);
    const costly = await run(apollo, '{ products(first: 100) { edges { node { variants { id } } } } }');
    expect(costly.errors?.[0]?.message).toMatch(/would cost 1201, over the maximum of 1000/);
    expect(costly.extensions).toEqual({ cost: { requestedQueryCost: 1201, maximumAvailable: 1000 } });
  });

  it('refuses a batch of mutations as a whole: none of them runs', async () => {
    const { apollo, sent } = server();
    const mutations = Array.from({ length: 4 }, (_, i) => `m${i}: requestSignInCode(email: "x${i}@example.com")`).join(' ');
    const result = await run(apollo, `mutation { ${mutations} }`);
    expect(result.errors?.[0]?.message).toMatch(/4 root fields; at most 3/);
    expect(result.errors?.[0]?.message).toMatch(/4 aliases|root fields/);
    expect(sent()).toBe(0);
  });

  it('leaves cost out of responses when not asked to report it', async () => {
    const { apollo } = server(false);
    expect((await run(apollo, '{ product(id: "p") { id } }')).extensions).toBeUndefined();
  });
});
