import { createHash } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { CALLER_CONTEXT_HEADER, CALLER_CONTEXT_LIFETIME_SECONDS, CLOCK_TOLERANCE_SECONDS, operationDigest, SCOPES_BY_KIND, signCallerContext, type Caller } from '@omni/auth';
import { malformedRequests, sendMalformed, TEST_SIGNING_SECRET } from '@omni/testing';
import { SignJWT } from 'jose';
import { CLIENT_IDLE_SOCKET_TIMEOUT_MS } from '../src/keep-alive';
import type { RunningServer } from '../src/subgraph-server';
import { createServiceClient } from '../src/service-client';
import { createTinySubgraph } from './support/tiny-subgraph';

const admin: Caller = { kind: 'admin', channel: 'WEB', staffId: 'admin', scopes: [...SCOPES_BY_KIND.admin] };
const customer: Caller = { kind: 'customer', channel: 'WEB', customerId: 'cus_1', scopes: [...SCOPES_BY_KIND.customer] };

async function post(url: string, query: string, header?: string, more: { variables?: unknown; operationName?: string; extensions?: unknown } = {}) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(header ? { [CALLER_CONTEXT_HEADER]: header } : {}) },
    body: JSON.stringify({ query, ...more }),
  });
  const body = (await response.json()) as { data?: Record<string, unknown> | null; errors?: { message: string; extensions?: { code?: string } }[] };
  return { status: response.status, data: body.data ?? null, code: body.errors?.[0]?.extensions?.code, keepAlive: response.headers.get('keep-alive') };
}

const warnings: string[] = [];
const unexpected: unknown[] = [];
let running: RunningServer;
let tiny: ReturnType<typeof createTinySubgraph>;

beforeAll(async () => {
  tiny = createTinySubgraph({ signingSecret: TEST_SIGNING_SECRET, logWarning: (line) => warnings.push(line), logErrors: (error) => unexpected.push(error) });
  running = await tiny.server.listen(0);
});

afterAll(async () => {
  await running?.stop();
});

afterEach(() => {
  warnings.length = 0;
  unexpected.length = 0;
});

const apqHash = (query: string) => createHash('sha256').update(query).digest('hex');

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
    const sha256Hash = apqHash(query);
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
    const forged = await new SignJWT({ caller: admin, op: operationDigest({ query }) })
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

function signable(body: string | undefined): { variables?: unknown; operationName?: string } {
  try {
    const parsed = JSON.parse(body ?? '') as { variables?: unknown; operationName?: unknown };
    return { variables: parsed.variables, operationName: typeof parsed.operationName === 'string' ? parsed.operationName : undefined };
  } catch {
    return {};
  }
}

describe('a caller header presented again with the same body', () => {
  const ADD = 'mutation Add($input: AddInput!) { add(input: $input) }';

  it('is accepted again, while the same header with another body is still refused', async () => {
    const before = tiny.bumps();
    const variables = { input: { by: 1, key: 'again-1' } };
    const header = await signCallerContext(TEST_SIGNING_SECRET, { caller: admin, query: ADD, variables, operationName: 'Add' });
    for (let attempt = 1; attempt <= 3; attempt += 1) {
      expect(await post(running.url, ADD, header, { variables, operationName: 'Add' })).toMatchObject({ status: 200, data: { add: before + attempt } });
      expect(await post(running.url, ADD, header, { variables: { input: { by: 100, key: 'again-1' } }, operationName: 'Add' })).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
    }
    expect(tiny.bumps()).toBe(before + 3);
  });

  it('is refused once it has expired, even after it was accepted with that body', async () => {
    const query = '{ whoami }';
    const header = await signCallerContext(TEST_SIGNING_SECRET, { caller: customer, query });
    expect(await post(running.url, query, header)).toMatchObject({ status: 200, data: { whoami: 'gateway:customer' } });
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + (CALLER_CONTEXT_LIFETIME_SECONDS + CLOCK_TOLERANCE_SECONDS + 1) * 1000 });
    try {
      expect(await post(running.url, query, header)).toMatchObject({ status: 401, data: null, code: 'UNAUTHENTICATED' });
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('subgraph caller header bound to the variables', () => {
  const ADD = 'mutation Add($input: AddInput!) { add(input: $input) }';

  it('refuses a captured header replayed with other variables, and writes nothing', async () => {
    const before = tiny.bumps();
    const variables = { input: { by: 1, key: 'k-1' } };
    const captured = await signCallerContext(TEST_SIGNING_SECRET, { caller: admin, query: ADD, variables, operationName: 'Add' });
    expect(await post(running.url, ADD, captured, { variables, operationName: 'Add' })).toMatchObject({ status: 200, data: { add: before + 1 } });
    for (const replay of [
      { variables: { input: { by: 500, key: 'k-2' } }, operationName: 'Add' },
      { variables: { input: { by: 500, key: 'k-1' } }, operationName: 'Add' },
      { variables: { input: { by: 1, key: 'k-1' } } },
    ]) {
      expect(await post(running.url, ADD, captured, replay)).toMatchObject({ status: 401, data: null, code: 'UNAUTHENTICATED' });
    }
    expect(tiny.bumps()).toBe(before + 1);
  });

  it('accepts the variables in any key order', async () => {
    const before = tiny.bumps();
    const header = await signCallerContext(TEST_SIGNING_SECRET, { caller: admin, query: ADD, variables: { input: { by: 2, key: 'k-3' } } });
    expect(await post(running.url, ADD, header, { variables: { input: { key: 'k-3', by: 2 } } })).toMatchObject({ status: 200, data: { add: before + 2 } });
  });

  it('checks the variables of a GET', async () => {
    const query = 'query Greet($name: String!) { greet(name: $name) }';
    const header = await signCallerContext(TEST_SIGNING_SECRET, { caller: customer, query, variables: { name: 'Ada' } });
    const get = async (name: string) => {
      const search = new URLSearchParams({ query, variables: JSON.stringify({ name }) });
      const response = await fetch(`${running.url}?${search}`, { headers: { [CALLER_CONTEXT_HEADER]: header, 'apollo-require-preflight': 'true' } });
      const body = (await response.json()) as { data?: unknown; errors?: { extensions?: { code?: string } }[] };
      return { status: response.status, data: body.data ?? null, code: body.errors?.[0]?.extensions?.code };
    };
    expect(await get('Ada')).toEqual({ status: 200, data: { greet: 'hello Ada' }, code: undefined });
    expect(await get('Eve')).toEqual({ status: 401, data: null, code: 'UNAUTHENTICATED' });
  });

  it('lets a sibling service call with variables, signed the same way', async () => {
    const before = tiny.bumps();
    const client = createServiceClient({ service: 'cart', url: running.url, signingSecret: TEST_SIGNING_SECRET });
    expect(await client.request(ADD, { input: { by: 3, key: 'k-4' } })).toEqual({ add: before + 3 });
  });
});

describe('subgraph refusals of what this API does not do', () => {
  it('answers a signed subscription with BAD_USER_INPUT (200 under application/json)', async () => {
    const query = 'subscription { __typename }';
    const result = await fetch(running.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [CALLER_CONTEXT_HEADER]: await signCallerContext(TEST_SIGNING_SECRET, { caller: customer, query }) },
      body: JSON.stringify({ query }),
    });
    const body = (await result.json()) as { errors: { message: string; extensions: { code: string } }[] };
    expect({ status: result.status, code: body.errors[0]!.extensions.code, message: body.errors[0]!.message }).toEqual({
      status: 200,
      code: 'BAD_USER_INPUT',
      message: 'This API has no subscriptions; send a query or a mutation',
    });
    expect(unexpected).toEqual([]);
  });

  it('answers persisted-query misuse with BAD_USER_INPUT, keeping the message, and logs nothing', async () => {
    const query = '{ __typename }';
    const header = await signCallerContext(TEST_SIGNING_SECRET, { caller: customer, query });
    const cases = [
      { persistedQuery: { version: 2, sha256Hash: 'abc' }, message: 'Unsupported persisted query version' },
      { persistedQuery: { version: 1, sha256Hash: 'abc' }, message: 'provided sha does not match query' },
    ];
    for (const { persistedQuery, message } of cases) {
      const response = await fetch(running.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [CALLER_CONTEXT_HEADER]: header },
        body: JSON.stringify({ query, extensions: { persistedQuery } }),
      });
      const body = (await response.json()) as { errors: { message: string; extensions: { code: string } }[] };
      expect({ status: response.status, code: body.errors[0]!.extensions.code, message: body.errors[0]!.message }).toEqual({ status: 200, code: 'BAD_USER_INPUT', message });
    }
    expect(unexpected).toEqual([]);
  });

  it('refuses deeply nested lists before parsing them', async () => {
    const query = `{ greet(name: ${'['.repeat(5000)}"x"${']'.repeat(5000)}) }`;
    const header = await signCallerContext(TEST_SIGNING_SECRET, { caller: customer, query });
    const response = await fetch(running.url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', [CALLER_CONTEXT_HEADER]: header }, body: JSON.stringify({ query }) });
    const body = (await response.json()) as { errors: { message: string; extensions: { code: string } }[] };
    expect({ status: response.status, code: body.errors[0]!.extensions.code }).toEqual({ status: 400, code: 'BAD_USER_INPUT' });
    expect(body.errors[0]!.message).toMatch(/more than 500 levels deep/);
    expect(unexpected).toEqual([]);
  });

  it('does not count brackets inside strings, block strings and comments', async () => {
    const name = `\\"${'['.repeat(600)}`;
    const query = `# ${'{'.repeat(600)}\nquery Greet($name: String!) { a: greet(name: ${JSON.stringify(name)}) b: greet(name: """${'('.repeat(600)} \\""" """) c: greet(name: $name) }`;
    const variables = { name: '['.repeat(600) };
    const header = await signCallerContext(TEST_SIGNING_SECRET, { caller: customer, query, variables });
    expect(await post(running.url, query, header, { variables })).toMatchObject({ status: 200, data: { a: `hello ${name}`, c: `hello ${'['.repeat(600)}` } });
  });
});

/** POSTs `chunks` one by one without a content-length (chunked transfer), as a streaming client would. */
function postInChunks(url: string, chunks: string[], headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { method: 'POST', headers }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    request.on('error', reject);
    for (const chunk of chunks) request.write(chunk);
    request.end();
  });
}

describe('subgraph HTTP layer', () => {
  it('reads a JSON body sent in chunks without a length, with a byte order mark and charset=UTF-8', async () => {
    const query = '{ whoami }';
    const header = await signCallerContext(TEST_SIGNING_SECRET, { caller: customer, query });
    const text = `\uFEFF${JSON.stringify({ query })}`;
    const answer = await postInChunks(running.url, [text.slice(0, 5), text.slice(5)], { 'content-type': 'application/json; charset=UTF-8', [CALLER_CONTEXT_HEADER]: header });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toEqual({ data: { whoami: 'gateway:customer' } });
  });

  it('refuses a chunked body once it grows over the limit, with 413 and JSON', async () => {
    const server = await createTinySubgraph({ signingSecret: TEST_SIGNING_SECRET, bodyLimit: 1024 }).server.listen(0);
    try {
      const answer = await postInChunks(server.url, ['{"query":"{ whoami }","variables":{"pad":"', 'x'.repeat(800), 'x'.repeat(800), '"}}'], { 'content-type': 'application/json' });
      expect(answer.status).toBe(413);
      expect(JSON.parse(answer.body)).toEqual({ errors: [{ message: 'The request body is too large', extensions: { code: 'BAD_USER_INPUT' } }] });
    } finally {
      await server.stop();
    }
  });
  for (const mode of ['development', 'production']) {
    it(`serves no landing page to a browser, only a JSON 4xx (NODE_ENV=${mode})`, async () => {
      const previous = process.env.NODE_ENV;
      process.env.NODE_ENV = mode;
      const server = await createTinySubgraph({ signingSecret: TEST_SIGNING_SECRET }).server.listen(0);
      try {
        for (const headers of [{ accept: 'text/html' }, { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' }]) {
          const response = await fetch(server.url, { headers });
          const text = await response.text();
          expect(response.status).toBeGreaterThanOrEqual(400);
          expect(response.status).toBeLessThan(500);
          expect(response.headers.get('content-type')).toMatch(/^application\/json/);
          expect(text).not.toMatch(/<html|<script|apollographql\.com/i);
        }
      } finally {
        await server.stop();
        process.env.NODE_ENV = previous;
      }
    });
  }

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
          // Signed for what the body carries, as the gateway would, so what is tested is the refusal of the body.
          const { variables, operationName } = signable(request.body);
          const header = await signCallerContext(TEST_SIGNING_SECRET, { caller: customer, query: request.query, variables, operationName });
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

describe('subgraph health and readiness', () => {
  it('is ready while its checks pass, names the failing one with 503, and stays healthy', async () => {
    let databaseUp = true;
    const lines: string[] = [];
    const server = await createTinySubgraph({ signingSecret: TEST_SIGNING_SECRET, logWarning: (line) => lines.push(line) }).server.listen(0, '127.0.0.1', {
      readiness: {
        database: async () => {
          if (!databaseUp) throw Object.assign(new Error('connect ECONNREFUSED 10.0.0.5:5432'), { code: 'ECONNREFUSED' });
        },
      },
    });
    try {
      const ready = async () => {
        const response = await fetch(new URL('/ready', server.url));
        return { status: response.status, body: await response.text() };
      };
      expect(await ready()).toEqual({ status: 200, body: JSON.stringify({ status: 'ready', checks: { database: 'ok' } }) });
      databaseUp = false;
      expect(await ready()).toEqual({ status: 503, body: JSON.stringify({ status: 'unavailable', checks: { database: 'unavailable' } }) });
      expect(lines).toEqual([expect.stringMatching(/^not ready: database unavailable: .*ECONNREFUSED/)]);
      expect((await fetch(new URL('/health', server.url))).status).toBe(200);
    } finally {
      await server.stop();
    }
  });
});
