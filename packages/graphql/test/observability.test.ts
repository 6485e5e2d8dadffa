import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CALLER_CONTEXT_HEADER, SCOPES_BY_KIND, signCallerContext, type Caller } from '@omni/auth';
import { captureLogs, configureMetrics, runInRequestContext, type CapturedLogs } from '@omni/observability';
import { TEST_SIGNING_SECRET } from '@omni/testing';
import { createServiceClient } from '../src/service-client';
import type { RunningServer } from '../src/subgraph-server';
import { createTinySubgraph } from './support/tiny-subgraph';

const customer: Caller = { kind: 'customer', channel: 'WEB', customerId: 'cus_1', scopes: [...SCOPES_BY_KIND.customer] };
const HELLO = 'query Hello { hello }';

async function hello(url: string, headers: Record<string, string> = {}) {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', [CALLER_CONTEXT_HEADER]: await signCallerContext(TEST_SIGNING_SECRET, { caller: customer, query: HELLO, variables: {}, operationName: 'Hello' }), ...headers },
    body: JSON.stringify({ query: HELLO, variables: {}, operationName: 'Hello' }),
  });
}

/** The access-log lines written so far (each request writes one when its response ends). */
async function accessLines(logs: CapturedLogs) {
  await new Promise((resolve) => setTimeout(resolve, 20));
  return logs.lines.filter((line) => line.msg === 'request');
}

let running: RunningServer;
let logs: CapturedLogs;

beforeAll(async () => {
  running = await createTinySubgraph({ signingSecret: TEST_SIGNING_SECRET }).server.listen(0);
});

afterAll(async () => {
  logs?.restore();
  await running?.stop();
});

describe('request ids and the access log', () => {
  it("keeps the caller's x-request-id, answers it and writes it on the one access-log line of the request", async () => {
    logs = captureLogs();
    const response = await hello(running.url, { 'x-request-id': 'checkout-7f3a' });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-request-id')).toBe('checkout-7f3a');
    const lines = await accessLines(logs);
    logs.restore();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 'info', service: 'tiny', requestId: 'checkout-7f3a', method: 'POST', operation: 'Hello', status: 200 });
    expect(typeof lines[0]!.durationMs).toBe('number');
    expect(typeof lines[0]!.time).toBe('string');
    // Nothing of the signed header, the body or the variables.
    expect(JSON.stringify(lines[0])).not.toMatch(/eyJ|hello \{|variables/);
  });

  it('replaces an id that is too long or not printable with a fresh one', async () => {
    for (const sent of ['x'.repeat(129), 'two words', 'caf\u00e9']) {
      const response = await hello(running.url, { 'x-request-id': sent });
      const answered = response.headers.get('x-request-id');
      expect(answered).toMatch(/^[0-9a-f-]{36}$/);
      expect(answered).not.toBe(sent);
    }
  });

  it('forwards the id of the request being served on service calls', async () => {
    logs = captureLogs();
    const client = createServiceClient({ service: 'cart', url: running.url, signingSecret: TEST_SIGNING_SECRET });
    await runInRequestContext({ requestId: 'from-the-gateway-1', service: 'cart' }, () => client.request('query Hello { hello }'));
    const lines = await accessLines(logs);
    logs.restore();
    expect(lines).toEqual([expect.objectContaining({ service: 'tiny', requestId: 'from-the-gateway-1', operation: 'Hello' })]);
  });
});

describe('/metrics', () => {
  it('counts requests by service, operation and outcome, with latency and process metrics', async () => {
    await hello(running.url);
    const response = await fetch(new URL('/metrics', running.url));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await response.text();
    expect(text).toMatch(/^graphql_requests_total\{service="tiny",operation="Hello",outcome="ok"\} [1-9]\d*$/m);
    expect(text).toMatch(/^graphql_request_duration_seconds_count\{service="tiny",operation="Hello"\} [1-9]\d*$/m);
    expect(text).toMatch(/^process_cpu_user_seconds_total /m);
  });

  it('counts a refused request by its error code', async () => {
    await fetch(running.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ hello }' }) });
    const text = await (await fetch(new URL('/metrics', running.url))).text();
    expect(text).toMatch(/^graphql_requests_total\{service="tiny",operation="anonymous",outcome="client_error"\} [1-9]\d*$/m);
  });

  it('answers only the bearer of METRICS_TOKEN when one is set', async () => {
    configureMetrics({ token: 'metrics-token-0123456789' });
    try {
      expect((await fetch(new URL('/metrics', running.url))).status).toBe(401);
      expect((await fetch(new URL('/metrics', running.url), { headers: { authorization: 'Bearer wrong-token-0123456789' } })).status).toBe(401);
      expect((await fetch(new URL('/metrics', running.url), { headers: { authorization: 'Bearer metrics-token-0123456789' } })).status).toBe(200);
    } finally {
      configureMetrics({});
    }
  });
});
