import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Caller } from '@omni/auth';
import { createSubgraphServer, type RunningServer } from '@omni/graphql';
import { flushTraces, startTracing, stopTracing } from '@omni/observability';
import { startOtlpReceiver, TEST_SIGNING_SECRET, TEST_TOKEN_SECRET } from '@omni/testing';
import { createGateway } from '../src/gateway';
import type { SubgraphName } from '../src/subgraphs';

const SDL = /* GraphQL */ `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])

  """Reads for the tracing test."""
  type Query {
    """How the subgraph saw the caller."""
    whoami: String!
  }
`;

let receiver: Awaited<ReturnType<typeof startOtlpReceiver>>;
let subgraph: RunningServer;
let gateway: RunningServer;

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  await startTracing({ endpoint: receiver.endpoint, serviceName: 'omnigraph-test' });
  subgraph = await createSubgraphServer<{ caller: Caller }>({
    name: 'tiny',
    typeDefs: parse(SDL),
    resolvers: { Query: { whoami: (_: unknown, __: unknown, context: { caller: Caller }) => context.caller.kind } },
    signingSecret: TEST_SIGNING_SECRET,
    createContext: ({ caller }) => ({ caller }),
  }).listen(0);
  const composed = composeServices([{ name: 'tiny', url: subgraph.url, typeDefs: parse(SDL) }]);
  if (composed.errors) throw composed.errors[0];
  gateway = await createGateway({
    supergraphSdl: composed.supergraphSdl,
    subgraphUrls: {} as Record<SubgraphName, string>,
    tokenSecret: TEST_TOKEN_SECRET,
    signingSecret: TEST_SIGNING_SECRET,
    rateLimits: false,
  }).listen(0);
});

afterAll(async () => {
  await gateway?.stop();
  await subgraph?.stop();
  await stopTracing();
  await receiver?.stop();
});

describe('traces over OTLP', () => {
  it('exports one trace that spans the gateway and the subgraph it calls', async () => {
    const response = await fetch(gateway.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: 'query WhoAmI { whoami }' }) });
    expect(await response.json()).toMatchObject({ data: { whoami: 'anonymous' } });
    await new Promise((resolve) => setTimeout(resolve, 30));
    await flushTraces();

    const servers = receiver.spans.filter((span) => span.name === 'POST /');
    const gatewaySpan = servers.find((span) => span.attributes['omni.service'] === 'gateway');
    const subgraphSpan = servers.find((span) => span.attributes['omni.service'] === 'tiny' && span.traceId === gatewaySpan?.traceId);
    expect(gatewaySpan).toBeDefined();
    expect(subgraphSpan).toBeDefined();
    // The subgraph's span hangs under a span of the gateway's (Apollo Gateway's fetch), not beside it.
    const trace = receiver.spans.filter((span) => span.traceId === gatewaySpan!.traceId);
    const byId = new Map(trace.map((span) => [span.spanId, span]));
    let ancestor = byId.get(subgraphSpan!.parentSpanId ?? '');
    while (ancestor && ancestor !== gatewaySpan) ancestor = byId.get(ancestor.parentSpanId ?? '');
    expect(ancestor).toBe(gatewaySpan);
    expect(gatewaySpan!.service).toBe('omnigraph-test');
  });
});
