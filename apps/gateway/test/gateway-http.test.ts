import { composeServices } from '@apollo/composition';
import type { GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { parse } from 'graphql';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { CALLER_CONTEXT_HEADER, SCOPES_BY_KIND, assertSignedForOperation, mintAccessToken, verifyCallerContext, type Caller } from '@omni/auth';
import { createSubgraphServer, type RunningServer } from '@omni/graphql';
import { captureLogs } from '@omni/observability';
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

async function startGateway(subgraphUrl: string, signingSecret = TEST_SIGNING_SECRET, corsOrigins?: '*' | string[], production = false) {
  const composed = composeServices([{ name: 'tiny', url: subgraphUrl, typeDefs: parse(SDL) }]);
  if (composed.errors) throw composed.errors[0];
  return createGateway({
    supergraphSdl: composed.supergraphSdl,
    subgraphUrls: {} as Record<SubgraphName, string>,
    tokenSecret: TEST_TOKEN_SECRET,
    signingSecret,
    corsOrigins,
    production,
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
    expect(() => assertSignedForOperation(verified, { query: 'query Late { whoami }' })).not.toThrow();
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

/** A request error is 200 under `application/json` and 400 under `application/graphql-response+json` (GraphQL over HTTP). */
async function refusal(url: string, body: Record<string, unknown> | string, accept = 'application/json') {
  const logs = captureLogs('error');
  try {
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', accept }, body: typeof body === 'string' ? body : JSON.stringify(body) });
    const json = (await response.json()) as { data?: unknown; errors?: { message: string; extensions?: { code?: string } }[] };
    return { status: response.status, code: json.errors?.[0]?.extensions?.code, message: json.errors?.[0]?.message, logged: logs.lines.length };
  } finally {
    logs.restore();
  }
}

describe('gateway refusals of what this API does not do', () => {
  it('answers a subscription with BAD_USER_INPUT', async () => {
    for (const query of ['subscription { __typename }', 'subscription S { whoami }']) {
      expect(await refusal(gateway.url, { query })).toEqual({ status: 200, code: 'BAD_USER_INPUT', message: 'This API has no subscriptions; send a query or a mutation', logged: 0 });
    }
  });

  it('answers persisted-query misuse with BAD_USER_INPUT, keeping the message, and logs nothing', async () => {
    const query = '{ __typename }';
    expect(await refusal(gateway.url, { query, extensions: { persistedQuery: { version: 2, sha256Hash: 'abc' } } })).toEqual({
      status: 200,
      code: 'BAD_USER_INPUT',
      message: 'Unsupported persisted query version',
      logged: 0,
    });
    expect(await refusal(gateway.url, { query, extensions: { persistedQuery: { version: 1, sha256Hash: 'abc' } } }, 'application/graphql-response+json')).toEqual({
      status: 400,
      code: 'BAD_USER_INPUT',
      message: 'provided sha does not match query',
      logged: 0,
    });
  });

  it('refuses lists and objects nested thousands of levels deep with a clear message', async () => {
    const lists = `{ whoami(filter: { ids: ${'['.repeat(5000)}"x"${']'.repeat(5000)} }) }`;
    const objects = `{ whoami(filter: ${'{ a: '.repeat(5000)}1${' }'.repeat(5000)}) }`;
    const selections = `{ ${'whoami { '.repeat(5000)}whoami${' }'.repeat(5000)} }`;
    for (const query of [lists, objects, selections]) {
      expect(await refusal(gateway.url, { query })).toEqual({
        status: 200,
        code: 'BAD_USER_INPUT',
        message: 'The document nests selections, lists or objects more than 500 levels deep',
        logged: 0,
      });
    }
    const deepVariables = `{"query":"query Q($v: String) { whoami }","variables":{"v":${'['.repeat(5000)}1${']'.repeat(5000)}}}`;
    expect(await refusal(gateway.url, deepVariables, 'application/graphql-response+json')).toEqual({
      status: 400,
      code: 'BAD_USER_INPUT',
      message: 'The variables nest lists or objects more than 500 levels deep',
      logged: 0,
    });
  });
});

describe('gateway HTTP layer', () => {
  for (const mode of ['production']) {
    it(`serves no landing page to a browser, only a JSON 4xx (NODE_ENV=${mode})`, async () => {
      const previous = process.env.NODE_ENV;
      process.env.NODE_ENV = mode;
      const modeGateway = await startGateway(subgraph.url, TEST_SIGNING_SECRET, undefined, true);
      try {
        for (const [path, headers] of ['/', '/graphiql'].flatMap((path) => [[path, { accept: 'text/html' }], [path, { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' }]] as const)) {
          const response = await fetch(new URL(path, modeGateway.url), { headers });
          const text = await response.text();
          expect(response.status).toBeGreaterThanOrEqual(400);
          expect(response.status).toBeLessThan(500);
          expect(response.headers.get('content-type')).toMatch(/^application\/json/);
          expect(text).not.toMatch(/<html|<script|apollographql\.com/i);
        }
      } finally {
        await modeGateway.stop();
        process.env.NODE_ENV = previous;
      }
    });
  }

  it('answers an unknown operationName with BAD_USER_INPUT', async () => {
    expect(await ask(gateway.url, { query: 'query A { whoami }', operationName: 'B' })).toEqual({ status: 200, data: null, code: 'BAD_USER_INPUT' });
  });

  it('answers request errors 200 under application/json and 400 under application/graphql-response+json, as GraphQL over HTTP asks', async () => {
    const cases = [
      { query: '{ whoami' },
      { query: '{ noSuchField }' },
      { query: 'query Q($n: Int!) { whoami }', variables: { n: 'x' } },
    ];
    const code = 'BAD_USER_INPUT';
    for (const body of cases) {
      for (const [accept, status, type] of [
        ['application/json', 200, 'application/json'],
        [undefined, 200, 'application/json'],
        ['application/graphql-response+json', 400, 'application/graphql-response+json'],
        ['application/graphql-response+json, application/json;q=0.9', 400, 'application/graphql-response+json'],
      ] as const) {
        const response = await fetch(gateway.url, { method: 'POST', headers: { 'content-type': 'application/json', ...(accept ? { accept } : {}) }, body: JSON.stringify(body) });
        const json = (await response.json()) as { data?: unknown; errors: { extensions: { code: string } }[] };
        expect({ status: response.status, type: response.headers.get('content-type')?.split(';')[0], code: json.errors[0]!.extensions.code, hasData: 'data' in json }).toEqual({ status, type, code, hasData: false });
      }
    }
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

describe('health and readiness', () => {
  it('answers /health while up and /ready when every subgraph answers a signed probe', async () => {
    const health = await fetch(new URL('/health', gateway.url));
    expect({ status: health.status, body: await health.json() }).toEqual({ status: 200, body: { status: 'ok' } });
    const ready = await fetch(new URL('/ready', gateway.url));
    expect({ status: ready.status, body: await ready.json() }).toEqual({ status: 200, body: { status: 'ready', checks: { tiny: 'ok' } } });
    const subgraphHealth = await fetch(new URL('/health', subgraph.url));
    expect(subgraphHealth.status).toBe(200);
  });

  it('names a subgraph that is down, and one that signs with another secret, without internals', async () => {
    const warnings = captureLogs('warn');
    const down = await startSubgraph(TEST_SIGNING_SECRET);
    const downUrl = down.url;
    await down.stop();
    const otherSecret = await startSubgraph('another-secret-'.padEnd(40, 'x'));
    try {
      for (const url of [downUrl, otherSecret.url]) {
        const gatewayInFront = await startGateway(url);
        try {
          const ready = await fetch(new URL('/ready', gatewayInFront.url));
          const text = await ready.text();
          expect({ status: ready.status, body: JSON.parse(text) }).toEqual({ status: 503, body: { status: 'unavailable', checks: { tiny: 'unavailable' } } });
          expect(text).not.toMatch(/ECONNREFUSED|UNAUTHENTICATED|127\.0\.0\.1/);
          expect((await fetch(new URL('/health', gatewayInFront.url))).status).toBe(200);
        } finally {
          await gatewayInFront.stop();
        }
      }
      const lines = warnings.lines.filter((line) => line.level === 'warn').map((line) => String(line.msg));
      expect(lines.some((line) => /not ready: tiny unavailable: .*(ECONNREFUSED|fetch failed)/.test(line))).toBe(true);
      expect(lines.some((line) => /not ready: tiny unavailable: .*(signature|UNAUTHENTICATED|Call from gateway failed)/i.test(line))).toBe(true);
    } finally {
      warnings.restore();
      await otherSecret.stop();
    }
  });
});

describe('CORS', () => {
  const origin = 'https://shop.example.com';
  const preflight = (url: string, from: string) =>
    fetch(url, { method: 'OPTIONS', headers: { origin: from, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' } });

  it('sends no CORS headers unless origins are configured', async () => {
    const response = await fetch(gateway.url, { method: 'POST', headers: { 'content-type': 'application/json', origin }, body: JSON.stringify({ query: '{ __typename }' }) });
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    expect((await preflight(gateway.url, origin)).headers.get('access-control-allow-origin')).toBeNull();
  });

  it('allows exactly the configured origins', async () => {
    const configured = await startGateway(subgraph.url, TEST_SIGNING_SECRET, [origin]);
    try {
      const allowed = await preflight(configured.url, origin);
      expect(allowed.headers.get('access-control-allow-origin')).toBe(origin);
      expect((await preflight(configured.url, 'https://evil.example.com')).headers.get('access-control-allow-origin')).toBeNull();
      const answered = await fetch(configured.url, { method: 'POST', headers: { 'content-type': 'application/json', origin }, body: JSON.stringify({ query: '{ __typename }' }) });
      expect(answered.headers.get('access-control-allow-origin')).toBe(origin);
    } finally {
      await configured.stop();
    }
  });
});

describe('schema details in errors', () => {
  it('suggests field names in development and never in production', async () => {
    const production = await startGateway(subgraph.url, TEST_SIGNING_SECRET, undefined, true);
    try {
      const messageFrom = async (url: string) => {
        const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ whoam }' }) });
        return ((await response.json()) as { errors: { message: string }[] }).errors[0]!.message;
      };
      expect(await messageFrom(gateway.url)).toMatch(/Did you mean "whoami"/);
      const hidden = await messageFrom(production.url);
      expect(hidden).toMatch(/Cannot query field "whoam"/);
      expect(hidden).not.toMatch(/whoami|Did you mean/);
    } finally {
      await production.stop();
    }
  });
});
