import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CALLER_CONTEXT_HEADER, SCOPES_BY_KIND, signUnboundCallerContext, type Caller } from '@omni/auth';
import { loadSubgraphEnv } from '@omni/config';
import { TEST_SIGNING_SECRET } from '@omni/testing';
import type { RunningServer } from '../src/subgraph-server';
import { createTinySubgraph } from './support/tiny-subgraph';

const customer: Caller = { kind: 'customer', channel: 'WEB', customerId: 'cus_1', scopes: [...SCOPES_BY_KIND.customer] };

async function post(url: string, query: string, header: string, variables: Record<string, unknown> = {}) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', [CALLER_CONTEXT_HEADER]: header },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: Record<string, unknown> | null; errors?: { extensions?: { code?: string } }[] };
  return { data: body.data ?? null, code: body.errors?.[0]?.extensions?.code };
}

// The bench's peers (`npm run bench -- --compare`) forward one long-lived header bound to no operation.
describe('unbound caller headers', () => {
  let ordinary: RunningServer;
  let bench: RunningServer;
  let bumps: () => number;

  beforeAll(async () => {
    ordinary = await createTinySubgraph({ signingSecret: TEST_SIGNING_SECRET, logWarning: () => {} }).server.listen(0);
    const tiny = createTinySubgraph({ signingSecret: TEST_SIGNING_SECRET, logWarning: () => {} });
    bumps = tiny.bumps;
    bench = await tiny.server.listen(0, '127.0.0.1', { acceptUnboundCallerHeaders: true });
  });

  afterAll(async () => {
    await ordinary?.stop();
    await bench?.stop();
  });

  it('are refused by a subgraph started without BENCH_UNBOUND_CALLER_HEADERS, and change nothing', async () => {
    const header = await signUnboundCallerContext(TEST_SIGNING_SECRET, customer);
    expect(await post(ordinary.url, '{ whoami }', header)).toEqual({ data: null, code: 'UNAUTHENTICATED' });
    expect((await post(ordinary.url, 'mutation { bump }', header)).code).toBe('UNAUTHENTICATED');
  });

  it('carry the caller to any operation and variables on a subgraph that accepts them', async () => {
    const header = await signUnboundCallerContext(TEST_SIGNING_SECRET, customer);
    expect(await post(bench.url, '{ whoami }', header)).toEqual({ data: { whoami: 'gateway:customer' }, code: undefined });
    expect((await post(bench.url, 'query($name: String!) { greet(name: $name) }', header, { name: 'Ada' })).data).toEqual({ greet: 'hello Ada' });
    const before = bumps();
    expect((await post(bench.url, 'mutation { bump }', header)).data).toEqual({ bump: before + 1 });
  });

  it('must still be signed with the gateway secret and unexpired', async () => {
    const forged = await signUnboundCallerContext('another-secret-another-secret-another', customer);
    expect((await post(bench.url, '{ whoami }', forged)).code).toBe('UNAUTHENTICATED');
    const expired = await signUnboundCallerContext(TEST_SIGNING_SECRET, customer, -60);
    expect((await post(bench.url, '{ whoami }', expired)).code).toBe('UNAUTHENTICATED');
  });

  it('are a setting production refuses to start with', () => {
    const source = { NODE_ENV: 'production', GATEWAY_SIGNING_SECRET: TEST_SIGNING_SECRET, DATABASE_URL: 'postgres://db/shop', BENCH_UNBOUND_CALLER_HEADERS: 'true' };
    expect(() => loadSubgraphEnv('catalog', 4002, source)).toThrow(/BENCH_UNBOUND_CALLER_HEADERS/);
    expect(loadSubgraphEnv('catalog', 4002, { ...source, NODE_ENV: 'development' }).acceptUnboundCallerHeaders).toBe(true);
    expect(loadSubgraphEnv('catalog', 4002, { ...source, BENCH_UNBOUND_CALLER_HEADERS: undefined }).acceptUnboundCallerHeaders).toBe(false);
  });
});
