import { composeServices } from '@apollo/composition';
import type { GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { parse } from 'graphql';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { CALLER_CONTEXT_HEADER, SCOPES_BY_KIND, assertSignedForOperation, mintAccessToken, verifyCallerContext, type Caller } from '@omni/auth';
import { createSubgraphServer, type RunningServer } from '@omni/graphql';
import { malformedRequests, sendMalformed, TEST_SIGNING_SECRET, TEST_TOKEN_SECRET } from '@omni/testing';
import { createGateway } from '../src/gateway';
import type { GatewayContext } from '../src/gateway-context';
import type { SubgraphName } from '../src/subgraphs';
import { SignedDataSource } from '../src/signed-data-source';

const SDL = /* GraphQL */ `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])

  """Reads for the gateway tests."""
  type Query {
    """How the subgraph saw the caller."""
    whoami: String!
  }

  """Writes for the gateway tests."""
  type Mutation {
    """Counts calls."""
    bump: Int!
  }
`;

const customer: Caller = { kind: 'customer', channel: 'WEB', customerId: 'cus_1', scopes: [...SCOPES_BY_KIND.customer] };

async function startSubgraph(signingSecret: string, warnings: string[] = []) {
  let bumps = 0;
  return createSubgraphServer<{ caller: Caller }>({
    name: 'tiny',
    typeDefs: parse(SDL),
    resolvers: { Query: { whoami: (_: unknown, __: unknown, context: { caller: Caller }) => context.caller.kind }, Mutation: { bump: () => ++bumps } },
    signingSecret,
    createContext: ({ caller }) => ({ caller }),
    logWarning: (line) => warnings.push(line),
    logErrors: () => {},
  }).listen(0);
}

async function startGateway(subgraphUrl: string, signingSecret = TEST_SIGNING_SECRET) {
  const composed = composeServices([{ name: 'tiny', url: subgraphUrl, typeDefs: parse(SDL) }]);
  if (composed.errors) throw composed.errors[0];
  return createGateway({
    supergraphSdl: composed.supergraphSdl,
    subgraphUrls: {} as Record<SubgraphName, string>,
    tokenSecret: TEST_TOKEN_SECRET,
    signingSecret,
  }).listen(0);
}

async function ask(url: string, body: Record<string, unknown>, token?: string) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  const json = (await response.json()) as { data?: unknown; errors?: { extensions?: { code?: string } }[] };
  return { status: response.status, data: json.data ?? null, code: json.errors?.[0]?.extensions?.code };
}

let subgraph: RunningServer;
let gateway: RunningServer;

beforeAll(async () => {
  subgraph = await startSubgraph(TEST_SIGNING_SECRET);
  gateway = await startGateway(subgraph.url);
});

afterAll(async () => {
  await gateway?.stop();
  await subgraph?.stop();
});

afterEach(() => {
  vi.useRealTimers();
});

describe('caller header per subgraph fetch', () => {
  function fetchOptions(query: string, context: GatewayContext) {
    const headers = new Map<string, string>();
    const options = { request: { query, http: { method: 'POST', url: 'http://subgraph/', headers } }, context } as unknown as GraphQLDataSourceProcessOptions<GatewayContext>;
    return { options, header: () => headers.get(CALLER_CONTEXT_HEADER)! };
  }

  it('signs every fetch afresh, so a fetch a minute into a request still carries a valid header for its own operation', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const start = new Date('2026-03-01T12:00:00Z');
    vi.setSystemTime(start);
    const source = new SignedDataSource('http://subgraph/', TEST_SIGNING_SECRET);
    const context: GatewayContext = { caller: customer };

    const first = fetchOptions('{ whoami }', context);
    await source.willSendRequest!(first.options);
    vi.setSystemTime(new Date(start.getTime() + 61_000));
    const late = fetchOptions('query Late { whoami }', context);
    await source.willSendRequest!(late.options);

    const verified = await verifyCallerContext(TEST_SIGNING_SECRET, late.header());
    expect(verified.caller).toEqual(customer);
    expect(() => assertSignedForOperation(verified, 'query Late { whoami }')).not.toThrow();
    await expect(verifyCallerContext(TEST_SIGNING_SECRET, first.header())).rejects.toThrow();
  });

  it('answers through the gateway', async () => {
    const token = await mintAccessToken(TEST_TOKEN_SECRET, { role: 'customer', sub: 'cus_1', channel: 'WEB' });
    expect(await ask(gateway.url, { query: '{ whoami }' }, token)).toEqual({ status: 200, data: { whoami: 'customer' }, code: undefined });
  });
});

describe('gateway and subgraph with different signing secrets', () => {
  it('refuses with UNAUTHENTICATED and the subgraph says why in one log line', async () => {
    const warnings: string[] = [];
    const otherSubgraph = await startSubgraph('another-signing-secret-0123456789abcdef', warnings);
    const otherGateway = await startGateway(otherSubgraph.url);
    try {
      const result = await ask(otherGateway.url, { query: '{ whoami }' });
      expect(result.code).toBe('UNAUTHENTICATED');
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(/^\[tiny\] .*GATEWAY_SIGNING_SECRET/);
      expect(warnings[0]).not.toContain(TEST_SIGNING_SECRET);
    } finally {
      await otherGateway.stop();
      await otherSubgraph.stop();
    }
  });
});

describe('gateway HTTP layer', () => {
  it('answers an unknown operationName with 400 BAD_USER_INPUT', async () => {
    expect(await ask(gateway.url, { query: 'query A { whoami }', operationName: 'B' })).toEqual({ status: 400, data: null, code: 'BAD_USER_INPUT' });
  });

  for (const mode of ['development', 'production']) {
    it(`answers malformed requests with a JSON 4xx and nothing internal (NODE_ENV=${mode})`, async () => {
      const previous = process.env.NODE_ENV;
      process.env.NODE_ENV = mode;
      const modeGateway = await startGateway(subgraph.url);
      try {
        for (const request of malformedRequests(1024 * 1024)) {
          expect(await sendMalformed(modeGateway.url, request)).toEqual({ name: request.name, status: request.status, contentType: 'application/json', code: 'BAD_USER_INPUT', leaks: [] });
        }
      } finally {
        await modeGateway.stop();
        process.env.NODE_ENV = previous;
      }
    });
  }
});
