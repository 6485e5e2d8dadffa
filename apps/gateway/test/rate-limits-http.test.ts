import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintAccessToken } from '@omni/auth';
import type { RunningServer } from '@omni/graphql';
import { TEST_TOKEN_SECRET } from '@omni/testing';
import { DEFAULT_BUDGETS } from '../src/rate-limits';
import { bearer, post, startTinySubgraph, tinyGateway } from './support/tiny-supergraph';

const BUMP = { query: 'mutation { bump }' };
/** Two mutations' worth (10 each) and a half, restored very slowly: the third waits 5 s. */
const TIGHT = { maximumAvailable: 25, restoreRate: 1 };
const customerToken = (sub: string) => mintAccessToken(TEST_TOKEN_SECRET, { role: 'customer', sub, channel: 'WEB' });

let subgraph: Awaited<ReturnType<typeof startTinySubgraph>>;
const gateways: RunningServer[] = [];
const startGateway = async (options: Parameters<typeof tinyGateway>[1]) => {
  const running = await tinyGateway(subgraph.url, options).listen(0);
  gateways.push(running);
  return running;
};

beforeAll(async () => {
  subgraph = await startTinySubgraph();
});

afterAll(async () => {
  for (const gateway of gateways) await gateway.stop();
  await subgraph?.stop();
});

describe('rate limits by cost', () => {
  it('refuses a client over its budget with RATE_LIMITED and Retry-After, before any subgraph, while another client goes on', async () => {
    const gateway = await startGateway({ rateLimits: { budgets: { customer: TIGHT } } });
    const anna = bearer(await customerToken('cus_anna'));
    const ben = bearer(await customerToken('cus_ben'));

    const first = await post(gateway.url, BUMP, anna);
    expect(first.status).toBe(200);
    expect(first.body.extensions?.cost).toEqual({ requestedQueryCost: 10, maximumAvailable: 25000, throttleStatus: { maximumAvailable: 25, currentlyAvailable: 15, restoreRate: 1 } });
    expect((await post(gateway.url, BUMP, anna)).status).toBe(200);
    const bumpsBefore = subgraph.calls.bump;

    const refused = await post(gateway.url, BUMP, anna);
    expect(refused.status).toBe(429);
    expect(Number(refused.retryAfter)).toBeGreaterThanOrEqual(4);
    expect(Number(refused.retryAfter)).toBeLessThanOrEqual(5);
    expect(refused.body.data).toBeUndefined();
    expect(refused.body.errors).toHaveLength(1);
    expect(refused.body.errors![0]!.extensions).toMatchObject({ code: 'RATE_LIMITED', cost: { requestedQueryCost: 10, throttleStatus: { maximumAvailable: 25, restoreRate: 1 } } });
    expect(refused.body.errors![0]!.message).toMatch(/Retry after \d s/);
    expect(refused.body.extensions?.cost?.throttleStatus).toMatchObject({ maximumAvailable: 25, restoreRate: 1 });
    expect(subgraph.calls.bump).toBe(bumpsBefore);

    const other = await post(gateway.url, BUMP, ben);
    expect(other.status).toBe(200);
    expect(other.body.extensions?.cost?.throttleStatus).toEqual({ maximumAvailable: 25, currentlyAvailable: 15, restoreRate: 1 });
    expect(subgraph.calls.bump).toBe(bumpsBefore + 1);
  });

  it('refuses an operation dearer than the whole budget as BAD_USER_INPUT, since waiting would not help', async () => {
    const gateway = await startGateway({ rateLimits: { budgets: { customer: { maximumAvailable: 5, restoreRate: 100 } } } });
    const answer = await post(gateway.url, BUMP, bearer(await customerToken('cus_small')));
    expect(answer.body.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(answer.body.errors![0]!.message).toMatch(/whole budget of 5/);
    expect(answer.retryAfter).toBeNull();
  });

  it('reports the throttle status of every answered operation, and budgets per client kind', async () => {
    const gateway = await startGateway({});
    const anonymous = await post(gateway.url, { query: '{ whoami }' });
    expect(anonymous.body.data).toEqual({ whoami: 'anonymous' });
    expect(anonymous.body.extensions?.cost?.throttleStatus).toEqual({ ...DEFAULT_BUDGETS.anonymous, currentlyAvailable: DEFAULT_BUDGETS.anonymous!.maximumAvailable });
    const partner = await post(gateway.url, BUMP, bearer(await mintAccessToken(TEST_TOKEN_SECRET, { role: 'partner', sub: 'acme' })));
    expect(partner.body.extensions?.cost?.throttleStatus).toEqual({ ...DEFAULT_BUDGETS.partner, currentlyAvailable: DEFAULT_BUDGETS.partner!.maximumAvailable - 10 });
    const unlimited = await startGateway({ rateLimits: false });
    expect((await post(unlimited.url, BUMP)).body.extensions?.cost).toEqual({ requestedQueryCost: 10, maximumAvailable: 25000 });
  });

  it('counts anonymous callers by the address the trusted proxy saw, and by the socket without one', async () => {
    const anonymousBudget = { rateLimits: { budgets: { anonymous: TIGHT } } };
    const behindProxy = await startGateway({ ...anonymousBudget, trustedProxyHops: 1 });
    const from = (address: string) => ({ 'x-forwarded-for': `198.51.100.1, ${address}` });
    for (let i = 0; i < 2; i++) expect((await post(behindProxy.url, BUMP, from('203.0.113.1'))).status).toBe(200);
    expect((await post(behindProxy.url, BUMP, from('203.0.113.1'))).status).toBe(429);
    // The left entry is the client's own claim: changing it changes nothing.
    expect((await post(behindProxy.url, BUMP, { 'x-forwarded-for': '198.51.100.2, 203.0.113.1' })).status).toBe(429);
    expect((await post(behindProxy.url, BUMP, from('203.0.113.2'))).status).toBe(200);

    const direct = await startGateway(anonymousBudget);
    for (let i = 0; i < 2; i++) expect((await post(direct.url, BUMP, from(`203.0.113.${10 + i}`))).status).toBe(200);
    expect((await post(direct.url, BUMP, from('203.0.113.12'))).status).toBe(429);
  });
});

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

async function redisReachable(): Promise<boolean> {
  const probe = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 1000, retryStrategy: () => null });
  probe.on('error', () => {});
  try {
    await probe.connect();
    return (await probe.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
}

describe('rate limits in Redis', () => {
  it('shares one budget between two gateway replicas', async (context) => {
    if (!(await redisReachable())) context.skip(`Redis is not reachable at ${REDIS_URL}: the shared-budget test needs it (set REDIS_URL)`);
    const keyPrefix = `omni-test:${randomUUID()}:`;
    const shared = { rateLimits: { budgets: { customer: TIGHT }, redisUrl: REDIS_URL, keyPrefix } };
    const [one, two] = [await startGateway(shared), await startGateway(shared)];
    const anna = bearer(await customerToken('cus_anna'));
    expect((await post(one.url, BUMP, anna)).body.extensions?.cost?.throttleStatus).toEqual({ ...TIGHT, currentlyAvailable: 15 });
    expect((await post(two.url, BUMP, anna)).body.extensions?.cost?.throttleStatus).toEqual({ ...TIGHT, currentlyAvailable: 5 });
    const refused = await post(one.url, BUMP, anna);
    expect(refused.status).toBe(429);
    expect(Number(refused.retryAfter)).toBeGreaterThanOrEqual(4);
    expect((await post(two.url, BUMP, anna)).status).toBe(429);
    expect((await post(two.url, BUMP, bearer(await customerToken('cus_ben')))).status).toBe(200);

    const redis = new Redis(REDIS_URL);
    try {
      const keys = await redis.keys(`${keyPrefix}*`);
      expect(keys.sort()).toEqual([`${keyPrefix}customer:cus_anna`, `${keyPrefix}customer:cus_ben`]);
      // Each bucket expires once it would be full again, so Redis keeps no idle callers.
      expect(await redis.pttl(keys[0]!)).toBeGreaterThan(0);
    } finally {
      await redis.del(...(await redis.keys(`${keyPrefix}*`)));
      redis.disconnect();
    }
  });

  it('lets operations through, and says so in the log, while Redis does not answer', async () => {
    const warnings: string[] = [];
    const { createRedisBucketStore } = await import('../src/rate-limits');
    const store = createRedisBucketStore({ url: 'redis://127.0.0.1:1', keyPrefix: 'omni-test:', logWarning: (line) => warnings.push(line) });
    try {
      const charge = await store.charge('customer:cus_anna', 10, TIGHT);
      expect(charge.allowed).toBe(true);
      expect(warnings.join('\n')).toMatch(/rate limits: Redis did not answer/);
    } finally {
      await store.close();
    }
  });
});
