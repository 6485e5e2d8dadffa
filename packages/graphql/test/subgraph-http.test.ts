import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CALLER_CONTEXT_HEADER, operationDigest, SCOPES_BY_KIND, signCallerContext, type Caller } from '@omni/auth';
import { malformedRequests, sendMalformed, TEST_SIGNING_SECRET } from '@omni/testing';
import { SignJWT } from 'jose';
import { CLIENT_IDLE_SOCKET_TIMEOUT_MS } from '../src/keep-alive';
import type { RunningServer } from '../src/subgraph-server';
import { createTinySubgraph } from './support/tiny-subgraph';

const admin: Caller = { kind: 'admin', channel: 'WEB', staffId: 'admin', scopes: [...SCOPES_BY_KIND.admin] };
const customer: Caller = { kind: 'customer', channel: 'WEB', customerId: 'cus_1', scopes: [...SCOPES_BY_KIND.customer] };

async function post(url: string, query: string, header?: string) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(header ? { [CALLER_CONTEXT_HEADER]: header } : {}) },
    body: JSON.stringify({ query }),
  });
  const body = (await response.json()) as { data?: Record<string, unknown> | null; errors?: { message: string; extensions?: { code?: string } }[] };
  return { status: response.status, data: body.data ?? null, code: body.errors?.[0]?.extensions?.code, keepAlive: response.headers.get('keep-alive') };
}

const warnings: string[] = [];
let running: RunningServer;

beforeAll(async () => {
  running = await createTinySubgraph({ signingSecret: TEST_SIGNING_SECRET, logWarning: (line) => warnings.push(line) }).server.listen(0);
});

afterAll(async () => {
  await running?.stop();
});

afterEach(() => {
  warnings.length = 0;
});

describe('subgraph caller header', () => {
  it('accepts a header signed for the operation it carries', async () => {
    const query = '{ whoami }';
    expect(await post(running.url, query, await signCallerContext(TEST_SIGNING_SECRET, { caller: customer, query }))).toMatchObject({ status: 200, data: { whoami: 'gateway:customer' } });
  });

  it('refuses a captured header replayed with another operation', async () => {
    const captured = await signCallerContext(TEST_SIGNING_SECRET, { caller: admin, query: '{ hello }' });
    expect(await post(running.url, '{ whoami }', captured)).toMatchObject({ status: 401, data: null, code: 'UNAUTHENTICATED' });
    expect(await post(running.url, 'mutation { bump }', captured)).toMatchObject({ status: 401, data: null, code: 'UNAUTHENTICATED' });
  });

  it('checks the operation Apollo resolves, also when it comes from the persisted-query cache', async () => {
    const query = '{ whoami }';
    const sha256Hash = operationDigest(query);
    const persisted = (header: string, withQuery: boolean) =>
      fetch(running.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [CALLER_CONTEXT_HEADER]: header },
        body: JSON.stringify({ ...(withQuery ? { query } : {}), extensions: { persistedQuery: { version: 1, sha256Hash } } }),
      }).then(async (response) => ({ status: response.status, body: (await response.json()) as { data?: unknown; errors?: { extensions?: { code?: string } }[] } }));
    expect((await persisted(await signCallerContext(TEST_SIGNING_SECRET, { caller: customer, query }), true)).status).toBe(200);
    const forHello = await signCallerContext(TEST_SIGNING_SECRET, { caller: admin, query: '{ hello }' });
    const replayed = await persisted(forHello, false);
    expect({ status: replayed.status, code: replayed.body.errors?.[0]?.extensions?.code, data: replayed.body.data ?? null }).toEqual({ status: 401, code: 'UNAUTHENTICATED', data: null });
  });

  it('refuses a header from a sibling service that claims to be an admin', async () => {
    const query = '{ whoami }';
    const forged = await new SignJWT({ caller: admin, op: operationDigest(query) })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer('support')
      .setAudience('omnigraph-subgraph')
      .setIssuedAt()
      .setExpirationTime('10s')
      .sign(new TextEncoder().encode(TEST_SIGNING_SECRET));
    expect(await post(running.url, query, forged)).toMatchObject({ status: 401, data: null, code: 'UNAUTHENTICATED' });
    const asItself = await signCallerContext(TEST_SIGNING_SECRET, { caller: { kind: 'service', channel: 'WEB', service: 'support', scopes: ['internal'] }, query, issuer: 'support' });
    expect(await post(running.url, query, asItself)).toMatchObject({ status: 200, data: { whoami: 'support:service' } });
  });

  it('logs one clear line, without secret or token, when the caller signs with another secret', async () => {
    const query = '{ whoami }';
    const otherSecret = 'a-different-signing-secret-0123456789';
    const header = await signCallerContext(otherSecret, { caller: customer, query });
    expect(await post(running.url, query, header)).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
    expect(await post(running.url, query, header)).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
    expect(warnings).toHaveLength(1);
    const [line] = warnings;
    expect(line).toMatch(/\[tiny\].*GATEWAY_SIGNING_SECRET/);
    expect(line).toContain('issuer "gateway"');
    expect(line).not.toContain('\n');
    for (const secretOrToken of [otherSecret, TEST_SIGNING_SECRET, header, header.split('.')[2]!]) expect(line).not.toContain(secretOrToken);
  });
});

describe('subgraph HTTP layer', () => {
  it('keeps idle connections open longer than our clients keep them', async () => {
    const query = '{ hello }';
    const { keepAlive } = await post(running.url, query, await signCallerContext(TEST_SIGNING_SECRET, { caller: customer, query }));
    const seconds = Number(/timeout=(\d+)/.exec(keepAlive ?? '')?.[1]);
    expect(seconds * 1000).toBeGreaterThan(CLIENT_IDLE_SOCKET_TIMEOUT_MS);
  });

  for (const mode of ['development', 'production']) {
    it(`answers malformed requests with a JSON 4xx and nothing internal (NODE_ENV=${mode})`, async () => {
      const previous = process.env.NODE_ENV;
      process.env.NODE_ENV = mode;
      const server = await createTinySubgraph({ signingSecret: TEST_SIGNING_SECRET }).server.listen(0);
      try {
        for (const request of malformedRequests(4 * 1024 * 1024)) {
          const header = await signCallerContext(TEST_SIGNING_SECRET, { caller: customer, query: request.query });
          const result = await sendMalformed(server.url, request, { [CALLER_CONTEXT_HEADER]: header });
          expect(result).toEqual({ name: request.name, status: request.status, contentType: 'application/json', code: 'BAD_USER_INPUT', leaks: [] });
        }
      } finally {
        await server.stop();
        process.env.NODE_ENV = previous;
      }
    });
  }
});
