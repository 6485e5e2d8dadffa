import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_OPERATION_LIMITS } from '@omni/graphql';
import { callers, signedSubgraphClient, TEST_SIGNING_SECRET, type GraphQLResponse } from '@omni/testing';
import { startTestSupergraph, type TestSupergraph } from './support/test-supergraph';

type CostedResponse = GraphQLResponse & {
  errors?: { message: string; extensions?: { code?: string; cost?: { requestedQueryCost: number; maximumAvailable: number } } }[];
  extensions?: { cost?: { requestedQueryCost: number | null; maximumAvailable: number } };
};

let supergraph: TestSupergraph;
const codesSent: string[] = [];

beforeAll(async () => {
  supergraph = await startTestSupergraph({ codeSender: { send: async (message) => void codesSent.push(JSON.stringify(message)) } });
  // A fresh process compiles parser, validation and planner paths on first use; time what follows.
  await supergraph.anonymous(underProducts(variantProductChain(20)));
  await supergraph.anonymous('{ products(first: 1) { edges { node { id } } } }');
});

afterAll(async () => {
  await supergraph?.close();
});

/** `variants { product { … } }` nested `levels` times around `leaf`. */
const variantProductChain = (levels: number, leaf = 'id') => 'variants { product { '.repeat(levels) + leaf + ' } }'.repeat(levels);
const stockLevelChain = (levels: number) => 'stockLevels { variant { '.repeat(levels) + 'id' + ' } }'.repeat(levels);
const underProducts = (selection: string) => `{ products(first: 100) { edges { node { ${selection} } } } }`;
const fragmentChain = (length: number) =>
  `{ products(first: 100) { edges { node { ...F0 } } } } ` +
  Array.from({ length }, (_, i) => `fragment F${i} on Product { variants { product { ...F${i + 1} } } }`).join(' ') +
  ` fragment F${length} on Product { id }`;
const repeatedField = (count: number) => `{ ${'products(first: 100) { edges { node { id } } } '.repeat(count)}}`;
const spreadFromFragments = (count: number) =>
  `{ ${Array.from({ length: count }, (_, i) => `...F${i}`).join(' ')} } ` +
  Array.from({ length: count }, (_, i) => `fragment F${i} on Query { products(first: 1) { edges { node { id } } } }`).join(' ');
const manyAliases = (count: number) => `{ ${Array.from({ length: count }, (_, i) => `a${i}: products(first: 100) { edges { node { id } } }`).join(' ')} }`;

async function timed(query: string, variables?: Record<string, unknown>) {
  const started = performance.now();
  const response = (await supergraph.anonymous(query, variables)) as CostedResponse;
  return { response, ms: Math.round(performance.now() - started) };
}

/** Refused once validated: the cost is on the error and on the response. */
function expectRefusedWithCost(response: CostedResponse, message: RegExp) {
  expectRefused(response, message);
  expect(response.errors![0]!.extensions?.cost?.requestedQueryCost).toEqual(expect.any(Number));
  expect(response.extensions?.cost).toEqual(response.errors![0]!.extensions?.cost);
}

/** Refused before graphql-js validated the document: not measured, so the cost is null. */
function expectRefusedBeforeValidation(response: CostedResponse, message: RegExp) {
  expectRefused(response, message);
  const cost = { requestedQueryCost: null, maximumAvailable: DEFAULT_OPERATION_LIMITS.maxCost };
  expect(response.errors![0]!.extensions?.cost).toEqual(cost);
  expect(response.extensions?.cost).toEqual(cost);
}

/** A request error: 200 under `application/json`, as GraphQL over HTTP asks, with the reason in the body. */
function expectRefused(response: CostedResponse, message: RegExp) {
  expect(response.status).toBe(200);
  expect(response.data ?? null).toBeNull();
  expect(response.errors).toHaveLength(1);
  expect(response.errors![0]!.message).toMatch(message);
  expect(response.errors![0]!.extensions?.code).toBe('BAD_USER_INPUT');
  expect(response.errors![0]!.extensions?.cost?.maximumAvailable).toBe(DEFAULT_OPERATION_LIMITS.maxCost);
}

describe('operation limits at the gateway', () => {
  it('reports the calculated cost on a successful response', async () => {
    const { response } = await timed('{ products(first: 5) { edges { node { title variants { sku } } } } }');
    expect(response.errors).toBeUndefined();
    // products 1 + 5 × (edge 1 + node 1 + 10 assumed variants × 1)
    expect(response.extensions?.cost).toEqual({
      requestedQueryCost: 1 + 5 * (1 + 1 + 10),
      maximumAvailable: DEFAULT_OPERATION_LIMITS.maxCost,
      // The anonymous caller's rate-limit bucket (see rate-limits.e2e.test.ts), after this charge.
      throttleStatus: { maximumAvailable: 50_000, currentlyAvailable: expect.any(Number), restoreRate: 2_500 },
    });
  });

  it.each([
    ['product → variants → product nested 100 levels under products(first: 100)', underProducts(variantProductChain(100)), /levels deep.*would cost/],
    ['the same nested 8 levels', underProducts(variantProductChain(8)), /levels deep.*would cost/],
    ['stockLevels → variant nested 5 levels', underProducts(`variants { ${stockLevelChain(5)} }`), /would cost/],
    ['a chain of 100 fragments', fragmentChain(100), /levels deep.*would cost/],
    ['1,000 aliases of products(first: 100)', manyAliases(1000), /1000 aliases; at most 30/],
    ['products(first: 100) repeated 1,000 times', repeatedField(1000), /repeats one field 1000 times in one selection; at most 20/],
    ['products(first: 1) spread from 800 fragments', spreadFromFragments(800), /repeats one field 800 times in one selection; at most 20/],
  ])('refuses %s at once, with its cost', async (name, query, message) => {
    const heapBefore = process.memoryUsage().heapUsed;
    const { response, ms } = await timed(query);
    console.log(`refused ${name} in ${ms} ms, cost ${response.errors?.[0]?.extensions?.cost?.requestedQueryCost}`);
    if (/aliases|repeats/.test(message.source)) expectRefusedBeforeValidation(response, message);
    else expectRefusedWithCost(response, message);
    expect(ms).toBeLessThan(1000);
    // Nothing was loaded: the whole supergraph runs in this process, so its heap tells.
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(50 * 1024 * 1024);
  });

  it('refuses a document of many mutations as a whole: no code is sent', async () => {
    const mutations = (count: number) =>
      `mutation ($input: RequestSignInCodeInput!) { ${Array.from({ length: count }, (_, i) => `m${i}: requestSignInCode(input: $input) { challengeId }`).join(' ')} }`;
    const input = { kind: 'EMAIL', value: 'many-codes@example.com' };
    const few = DEFAULT_OPERATION_LIMITS.maxRootFields + 1;
    const refusedFew = await timed(mutations(few), { input });
    expectRefusedWithCost(refusedFew.response, new RegExp(`The mutation has ${few} root fields; at most ${DEFAULT_OPERATION_LIMITS.maxRootFields}`));
    const refusedMany = await timed(mutations(1000), { input });
    console.log(`refused ${few} sign-in code mutations in ${refusedFew.ms} ms, 1000 in ${refusedMany.ms} ms`);
    expectRefusedBeforeValidation(refusedMany.response, /1000 aliases; at most 30/);
    expect(codesSent).toEqual([]);
  });

  it('stops parsing a document past the token limit', async () => {
    // Just under the gateway's 1 MB request body limit.
    const query = `{ ${'a '.repeat(450_000)} }`;
    const { response, ms } = await timed(query);
    console.log(`refused a ${Math.round(query.length / 1024)} KB document of ${450_000} tokens in ${ms} ms`);
    expect(response.status).toBe(200);
    // graphql-js words it "contains more that N tokens".
    expect(response.errors?.[0]?.message).toMatch(new RegExp(`contains more th.. ${DEFAULT_OPERATION_LIMITS.maxTokens} tokens\\. Parsing aborted`));
    expect(response.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(response.extensions?.cost).toEqual({ requestedQueryCost: null, maximumAvailable: DEFAULT_OPERATION_LIMITS.maxCost });
  });

  it('answers other callers promptly while refusing attacks', async () => {
    const attacks = Array.from({ length: 10 }, (_, i) => timed(underProducts(variantProductChain(i % 2 === 0 ? 100 : 8))));
    const normal = timed('{ products(first: 10) { edges { node { title variants { price { amount currencyCode } } } } } }');
    const [answered, ...refused] = await Promise.all([normal, ...attacks]);
    console.log(`a normal query answered in ${answered!.ms} ms beside ${refused.length} refused attacks (slowest refusal ${Math.max(...refused.map((r) => r.ms))} ms)`);
    expect(answered!.response.errors).toBeUndefined();
    expect(answered!.response.data?.products.edges).toHaveLength(10);
    expect(answered!.ms).toBeLessThan(2000);
    for (const attack of refused) expect(attack.response.status).toBe(200);
    for (const attack of refused) expect(attack.response.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('operation limits in a subgraph', () => {
  it('refuses a signed caller what the gateway refuses', async () => {
    const catalog = signedSubgraphClient(supergraph.subgraphUrls.catalog, TEST_SIGNING_SECRET, callers.anonymous());
    const started = performance.now();
    const response = (await catalog(underProducts(variantProductChain(100)))) as CostedResponse;
    console.log(`catalog refused the deep query in ${Math.round(performance.now() - started)} ms`);
    expect(response.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(response.errors?.[0]?.message).toMatch(/levels deep/);
    expect(response.data ?? null).toBeNull();
  });

  it('counts the representations of an _entities fetch as its list size', async () => {
    const catalog = signedSubgraphClient(supergraph.subgraphUrls.catalog, TEST_SIGNING_SECRET, callers.anonymous());
    const query = `query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on Product { ${variantProductChain(2)} } } }`;
    const representations = (count: number) => Array.from({ length: count }, (_, i) => ({ __typename: 'Product', id: `prod_${i}` }));
    const few = (await catalog(query, { representations: representations(3) })) as CostedResponse;
    expect(few.errors).toBeUndefined();
    const many = (await catalog(query, { representations: representations(5000) })) as CostedResponse;
    expect(many.errors?.[0]?.message).toMatch(/would cost/);
  });
});
