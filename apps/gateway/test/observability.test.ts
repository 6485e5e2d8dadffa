import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Caller } from '@omni/auth';
import { createSubgraphServer, type RunningServer } from '@omni/graphql';
import { captureLogs, type CapturedLogs } from '@omni/observability';
import { TEST_SIGNING_SECRET, TEST_TOKEN_SECRET } from '@omni/testing';
import { createGateway } from '../src/gateway';
import type { SubgraphName } from '../src/subgraphs';

const SDL = /* GraphQL */ `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])

  """Reads for the observability tests."""
  type Query {
    """How the subgraph saw the caller."""
    whoami: String!
    """Fails the way a bug would."""
    broken: String
  }
`;

async function startSubgraph() {
  return createSubgraphServer<{ caller: Caller }>({
    name: 'tiny',
    typeDefs: parse(SDL),
    resolvers: {
      Query: {
        whoami: (_: unknown, __: unknown, context: { caller: Caller }) => context.caller.kind,
        broken: () => {
          throw new Error('column "nope" does not exist');
        },
      },
    },
    signingSecret: TEST_SIGNING_SECRET,
    createContext: ({ caller }) => ({ caller }),
  }).listen(0);
}

async function startGateway(subgraphUrl: string, production = false) {
  const composed = composeServices([{ name: 'tiny', url: subgraphUrl, typeDefs: parse(SDL) }]);
  if (composed.errors) throw composed.errors[0];
  return createGateway({
    supergraphSdl: composed.supergraphSdl,
    subgraphUrls: {} as Record<SubgraphName, string>,
    tokenSecret: TEST_TOKEN_SECRET,
    signingSecret: TEST_SIGNING_SECRET,
    production,
    rateLimits: false,
  }).listen(0);
}

async function ask(url: string, query: string, headers: Record<string, string> = {}) {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query }) });
  const body = (await response.json()) as { data?: unknown; errors?: { message: string; extensions?: { code?: string } }[] };
  return { status: response.status, requestId: response.headers.get('x-request-id'), body };
}

/** Lines are written when responses end; give the last one a moment. */
async function settled(logs: CapturedLogs) {
  await new Promise((resolve) => setTimeout(resolve, 30));
  logs.restore();
  return logs.lines;
}

const STACK_FRAME = /\n\s+at |\bat .*\(.*:\d+:\d+\)/;

let subgraph: RunningServer;
let gateway: RunningServer;

beforeAll(async () => {
  subgraph = await startSubgraph();
  gateway = await startGateway(subgraph.url);
});

afterAll(async () => {
  await gateway?.stop();
  await subgraph?.stop();
});

describe('one request id through gateway and subgraph', () => {
  it('forwards the id to the subgraph, so both access-log lines carry it', async () => {
    const logs = captureLogs();
    const answer = await ask(gateway.url, 'query WhoAmI { whoami }', { 'x-request-id': 'pos-till-4-0001' });
    const lines = await settled(logs);
    expect(answer.body).toMatchObject({ data: { whoami: 'anonymous' } });
    expect(answer.requestId).toBe('pos-till-4-0001');
    const access = lines.filter((line) => line.msg === 'request');
    expect(access).toEqual([
      expect.objectContaining({ service: 'tiny', requestId: 'pos-till-4-0001', status: 200, caller: 'anonymous' }),
      expect.objectContaining({ service: 'gateway', requestId: 'pos-till-4-0001', operation: 'WhoAmI', status: 200, caller: 'anonymous' }),
    ]);
  });

  it('makes up an id when the client sends none, and the subgraph gets that one', async () => {
    const logs = captureLogs();
    const answer = await ask(gateway.url, '{ whoami }');
    const lines = await settled(logs);
    expect(answer.requestId).toMatch(/^[0-9a-f-]{36}$/);
    const ids = lines.filter((line) => line.msg === 'request').map((line) => [line.service, line.requestId]);
    expect(ids).toEqual([
      ['tiny', answer.requestId],
      ['gateway', answer.requestId],
    ]);
  });
});

describe('errors in the log', () => {
  it('logs an unexpected subgraph error in one line with the request id and no stack (production)', async () => {
    const productionGateway = await startGateway(subgraph.url, true);
    try {
      const logs = captureLogs();
      const answer = await ask(productionGateway.url, 'query Broken { broken }', { 'x-request-id': 'broken-1' });
      const lines = await settled(logs);
      expect(answer.body.errors?.[0]?.extensions?.code).toBe('INTERNAL_SERVER_ERROR');
      const errors = lines.filter((line) => line.level === 'error');
      // The subgraph names the cause; the gateway, which sees only the masked error, the same request.
      expect(errors).toContainEqual(expect.objectContaining({ service: 'tiny', requestId: 'broken-1', msg: 'unexpected error at broken: Error: column "nope" does not exist' }));
      for (const line of errors) expect(line).toMatchObject({ requestId: 'broken-1' });
      for (const line of lines) {
        expect(JSON.stringify(line)).not.toMatch(STACK_FRAME);
        expect(line).not.toHaveProperty('stack');
      }
    } finally {
      await productionGateway.stop();
    }
  });

  it('names an unreachable subgraph and the cause in one line, and tells the client which service is unavailable', async () => {
    const down = await startSubgraph();
    await down.stop();
    const gatewayInFront = await startGateway(down.url, true);
    try {
      const logs = captureLogs();
      const answer = await ask(gatewayInFront.url, 'query WhoAmI { whoami }', { 'x-request-id': 'down-1' });
      const lines = await settled(logs);
      expect(answer.body.errors).toEqual([
        { message: 'The tiny service is unavailable right now; try again shortly', extensions: { code: 'SERVICE_UNAVAILABLE', service: 'tiny' } },
      ]);
      const errors = lines.filter((line) => line.level === 'error');
      expect(errors).toEqual([expect.objectContaining({ subgraph: 'tiny', requestId: 'down-1', msg: expect.stringMatching(/^subgraph tiny unreachable: .*ECONNREFUSED/) })]);
      expect(String(errors[0]!.msg)).not.toMatch(STACK_FRAME);
      const metrics = await (await fetch(new URL('/metrics', gatewayInFront.url))).text();
      expect(metrics).toMatch(/^gateway_subgraph_fetches_total\{subgraph="tiny",outcome="unreachable"\} [1-9]\d*$/m);
    } finally {
      await gatewayInFront.stop();
    }
  });
});

describe('gateway /metrics', () => {
  it('counts requests by operation and outcome, errors by code and subgraph fetches with their latency', async () => {
    await ask(gateway.url, 'query WhoAmI { whoami }');
    await ask(gateway.url, 'query Typo { whoamI }');
    const response = await fetch(new URL('/metrics', gateway.url));
    const text = await response.text();
    expect(text).toMatch(/^graphql_requests_total\{service="gateway",operation="WhoAmI",outcome="ok"\} [1-9]\d*$/m);
    expect(text).toMatch(/^graphql_requests_total\{service="gateway",operation="anonymous",outcome="error"\} [1-9]\d*$/m);
    expect(text).toMatch(/^graphql_errors_total\{service="gateway",code="BAD_USER_INPUT"\} [1-9]\d*$/m);
    expect(text).toMatch(/^graphql_request_duration_seconds_bucket\{le="0\.5",service="gateway",operation="WhoAmI"\} [1-9]\d*$/m);
    expect(text).toMatch(/^gateway_subgraph_fetches_total\{subgraph="tiny",outcome="ok"\} [1-9]\d*$/m);
    expect(text).toMatch(/^gateway_subgraph_fetch_duration_seconds_count\{subgraph="tiny"\} [1-9]\d*$/m);
  });

  it('keeps operation names from becoming unbounded labels', async () => {
    await ask(gateway.url, `query ${'A'.repeat(80)} { whoami }`);
    const text = await (await fetch(new URL('/metrics', gateway.url))).text();
    expect(text).not.toContain('A'.repeat(80));
    expect(text).toMatch(/^graphql_requests_total\{service="gateway",operation="other",outcome="ok"\} [1-9]\d*$/m);
  });
});
