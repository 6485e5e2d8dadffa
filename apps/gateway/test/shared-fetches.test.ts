import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintAccessToken, type Caller } from '@omni/auth';
import { createSubgraphServer, type RunningServer } from '@omni/graphql';
import { TEST_SIGNING_SECRET, TEST_TOKEN_SECRET } from '@omni/testing';
import { createGateway } from '../src/gateway';
import type { SubgraphName } from '../src/subgraphs';
import { isSharableOperation, sharedFetchKey } from '../src/transport/shared-fetches';

const SDL = /* GraphQL */ `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])

  """Reads for the shared-fetch tests."""
  type Query {
    """Who the subgraph answered, after a pause long enough for concurrent requests to overlap."""
    slowWhoami: String!
    """What the caller's channel offers, after the same pause: public data, the same for every customer of the channel."""
    slowOffer: String!
  }

  """Writes for the shared-fetch tests."""
  type Mutation {
    """Counts calls, after the same pause."""
    slowBump: Int!
  }
`;

/** Long enough that requests sent together are all in flight while the first is answered. */
const ANSWER_DELAY_MS = 300;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let executions = 0;
let subgraph: RunningServer;

async function startGateway(deduplicateFetches?: boolean, subgraphName = 'slow'): Promise<RunningServer> {
  const composed = composeServices([{ name: subgraphName, url: subgraph.url, typeDefs: parse(SDL) }]);
  if (composed.errors) throw composed.errors[0];
  return createGateway({
    supergraphSdl: composed.supergraphSdl,
    subgraphUrls: {} as Record<SubgraphName, string>,
    tokenSecret: TEST_TOKEN_SECRET,
    signingSecret: TEST_SIGNING_SECRET,
    rateLimits: false,
    ...(deduplicateFetches === undefined ? {} : { deduplicateFetches }),
  }).listen(0);
}

async function ask(url: string, query: string, token?: string) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query }),
  });
  const { data, errors } = (await response.json()) as { data?: Record<string, unknown>; errors?: unknown[] };
  return { data, errors };
}

const customerToken = (id: string) => mintAccessToken(TEST_TOKEN_SECRET, { role: 'customer', sub: id, channel: 'WEB' });

let gateway: RunningServer;

beforeAll(async () => {
  let bumps = 0;
  subgraph = await createSubgraphServer<{ caller: Caller }>({
    name: 'slow',
    typeDefs: parse(SDL),
    resolvers: {
      Query: {
        slowWhoami: async (_: unknown, __: unknown, { caller }: { caller: Caller }) => {
          executions += 1;
          await sleep(ANSWER_DELAY_MS);
          return caller.customerId ?? caller.kind;
        },
        slowOffer: async (_: unknown, __: unknown, { caller }: { caller: Caller }) => {
          executions += 1;
          await sleep(ANSWER_DELAY_MS);
          return `offer of ${caller.channel}`;
        },
      },
      Mutation: {
        slowBump: async () => {
          executions += 1;
          await sleep(ANSWER_DELAY_MS);
          return ++bumps;
        },
      },
    },
    signingSecret: TEST_SIGNING_SECRET,
    createContext: ({ caller }) => ({ caller }),
    logErrors: () => {},
  }).listen(0);
  gateway = await startGateway();
});

afterAll(async () => {
  await gateway?.stop();
  await subgraph?.stop();
});

/** Subgraph executions caused by `run`, which sends its requests concurrently. */
async function executionsOf(run: () => Promise<unknown>): Promise<number> {
  const before = executions;
  await run();
  return executions - before;
}

describe('identical subgraph fetches in flight', () => {
  it('are sent once for concurrent identical anonymous queries, and each client gets the answer', async () => {
    let answers: unknown[] = [];
    const count = await executionsOf(async () => {
      answers = await Promise.all([ask(gateway.url, '{ slowWhoami }'), ask(gateway.url, '{ slowWhoami }'), ask(gateway.url, '{ slowWhoami }')]);
    });
    expect(count).toBe(1);
    expect(answers).toEqual([0, 1, 2].map(() => ({ data: { slowWhoami: 'anonymous' }, errors: undefined })));
  });

  it('are sent once per customer when two customers ask at once, each seeing their own answer', async () => {
    const [anna, boris] = await Promise.all([customerToken('cus_anna'), customerToken('cus_boris')]);
    let answers: unknown[] = [];
    const count = await executionsOf(async () => {
      answers = await Promise.all([ask(gateway.url, '{ slowWhoami }', anna), ask(gateway.url, '{ slowWhoami }', boris), ask(gateway.url, '{ slowWhoami }', anna)]);
    });
    expect(count).toBe(2);
    expect(answers.map((answer) => (answer as { data?: unknown }).data)).toEqual([{ slowWhoami: 'cus_anna' }, { slowWhoami: 'cus_boris' }, { slowWhoami: 'cus_anna' }]);
  });

  it('never share a mutation', async () => {
    let answers: { data?: Record<string, unknown> }[] = [];
    const count = await executionsOf(async () => {
      answers = await Promise.all([ask(gateway.url, 'mutation { slowBump }'), ask(gateway.url, 'mutation { slowBump }')]);
    });
    expect(count).toBe(2);
    expect(new Set(answers.map((answer) => answer.data?.slowBump)).size).toBe(2);
  });

  it('go out afresh once the shared answer is in', async () => {
    const count = await executionsOf(async () => {
      await ask(gateway.url, '{ slowWhoami }');
      await ask(gateway.url, '{ slowWhoami }');
    });
    expect(count).toBe(2);
  });

  it('to the public catalog, are sent once for customers who see the same, and once per channel', async () => {
    const catalog = await startGateway(undefined, 'catalog');
    try {
      const [anna, boris, posShopper] = await Promise.all([
        customerToken('cus_anna'),
        customerToken('cus_boris'),
        mintAccessToken(TEST_TOKEN_SECRET, { role: 'customer', sub: 'cus_clara', channel: 'POS' }),
      ]);
      let answers: { data?: unknown }[] = [];
      const count = await executionsOf(async () => {
        answers = await Promise.all([anna, boris, posShopper, anna].map((token) => ask(catalog.url, '{ slowOffer }', token)));
      });
      expect(count).toBe(2);
      expect(answers.map((answer) => answer.data)).toEqual([{ slowOffer: 'offer of WEB' }, { slowOffer: 'offer of WEB' }, { slowOffer: 'offer of POS' }, { slowOffer: 'offer of WEB' }]);
    } finally {
      await catalog.stop();
    }
  });

  it('are each sent when deduplication is switched off', async () => {
    const separate = await startGateway(false);
    try {
      const count = await executionsOf(() => Promise.all([ask(separate.url, '{ slowWhoami }'), ask(separate.url, '{ slowWhoami }')]));
      expect(count).toBe(2);
    } finally {
      await separate.stop();
    }
  });
});

describe('what may share a fetch', () => {
  const anonymous: Caller = { kind: 'anonymous', channel: 'WEB', scopes: ['storefront:read'] } as Caller;

  it('shares queries only, never mutations or subscriptions', () => {
    expect(isSharableOperation('query Q__slow__0 { slowWhoami }')).toBe(true);
    expect(isSharableOperation('{ slowWhoami }')).toBe(true);
    expect(isSharableOperation('mutation { slowBump }')).toBe(false);
    expect(isSharableOperation('subscription { changed }')).toBe(false);
    expect(isSharableOperation('queryish')).toBe(false);
  });

  it('keys on the caller as the subgraph sees it: channel and scopes count, the client address does not', () => {
    const body = '{"query":"{ slowWhoami }"}';
    const key = sharedFetchKey(anonymous, '{ slowWhoami }', body);
    expect(sharedFetchKey({ ...anonymous, clientAddress: '203.0.113.9' }, '{ slowWhoami }', body)).toBe(key);
    expect(sharedFetchKey({ ...anonymous, channel: 'POS' }, '{ slowWhoami }', body)).not.toBe(key);
    expect(sharedFetchKey({ ...anonymous, scopes: [] }, '{ slowWhoami }', body)).not.toBe(key);
    expect(sharedFetchKey(anonymous, '{ slowWhoami }', '{"query":"{ slowWhoami }","variables":{"a":1}}')).not.toBe(key);
    expect(sharedFetchKey(undefined, '{ slowWhoami }', body)).toBeUndefined();
  });

  it('keys public data on what the caller may see, not on who the caller is', () => {
    const body = '{"query":"{ products { id } }"}';
    const customer = (customerId: string, extra: Partial<Caller> = {}) =>
      ({ kind: 'customer', channel: 'WEB', customerId, scopes: ['storefront:read', 'catalog:read'], ...extra }) as Caller;
    const key = sharedFetchKey(customer('cus_1'), '{ products { id } }', body, 'visibility');
    expect(sharedFetchKey(customer('cus_2', { clientAddress: '203.0.113.9' }), '{ products { id } }', body, 'visibility')).toBe(key);
    expect(sharedFetchKey(customer('cus_2'), '{ products { id } }', body, 'caller')).not.toBe(sharedFetchKey(customer('cus_1'), '{ products { id } }', body, 'caller'));
    expect(sharedFetchKey(customer('cus_1', { channel: 'POS' }), '{ products { id } }', body, 'visibility')).not.toBe(key);
    expect(sharedFetchKey(customer('cus_1', { kind: 'staff', staffRole: 'CASHIER', locationId: 'loc_1' }), '{ products { id } }', body, 'visibility')).not.toBe(
      sharedFetchKey(customer('cus_1', { kind: 'staff', staffRole: 'CASHIER', locationId: 'loc_2' }), '{ products { id } }', body, 'visibility'),
    );
    expect(sharedFetchKey(customer('cus_1', { scopes: ['storefront:read'] }), '{ products { id } }', body, 'visibility')).not.toBe(key);
    expect(sharedFetchKey(customer('cus_1'), 'mutation { reserve }', body, 'visibility')).toBeUndefined();
  });
});
