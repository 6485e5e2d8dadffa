import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flushTraces, startTracing, stopTracing } from '@omni/observability';
import { expectData, startOtlpReceiver } from '@omni/testing';
import { startTestSupergraph, type TestSupergraph } from './support/test-supergraph';

let receiver: Awaited<ReturnType<typeof startOtlpReceiver>>;
let supergraph: TestSupergraph;

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  // Before the databases open, as `npm start` does, so their statements are traced.
  await startTracing({ endpoint: receiver.endpoint, serviceName: 'omnigraph' });
  supergraph = await startTestSupergraph();
});

afterAll(async () => {
  await supergraph?.close();
  await stopTracing();
  await receiver?.stop();
});

describe('traces over OTLP', () => {
  it('follows one request from the gateway through the subgraphs down to their SQL statements', async () => {
    const anna = await supergraph.as('customer', 'anna');
    expectData(await anna('query MyCart { me { displayName cart { lines(first: 5) { edges { node { quantity variant { sku } } } } } } }'));
    await new Promise((resolve) => setTimeout(resolve, 50));
    await flushTraces();

    const root = receiver.spans.find((span) => span.name === 'POST /' && span.attributes['omni.service'] === 'gateway' && !span.parentSpanId);
    expect(root).toBeDefined();
    const trace = receiver.spans.filter((span) => span.traceId === root!.traceId);
    const services = new Set(trace.filter((span) => span.name === 'POST /').map((span) => span.attributes['omni.service']));
    expect([...services].sort()).toEqual(['cart', 'catalog', 'customer', 'gateway']);
    const statements = trace.filter((span) => span.attributes['db.system.name'] === 'postgresql');
    expect(statements.length).toBeGreaterThan(0);
    expect(statements.map((span) => span.name)).toContain('SELECT');
    // The statement text has placeholders; the values (personal data) are never on a span.
    for (const span of statements) expect(String(span.attributes['db.query.text'])).not.toMatch(/anna/i);
  });
});
