import { describe, expect, it } from 'vitest';
import { SCOPES_BY_KIND, type Caller } from '@omni/auth';
import { loadGatewayEnv } from '../src/env';
import { bucketSubject, clientKindOf, clientNetwork, createMemoryBucketStore, DEFAULT_BUDGETS, parseBudget } from '../src/rate-limits';
import { chargeBucket } from '../src/rate-limits/token-bucket';

const budget = { maximumAvailable: 1000, restoreRate: 50 };

describe('token bucket', () => {
  it('starts full, takes the whole cost, and refuses without taking anything when short', () => {
    const first = chargeBucket(undefined, 600, budget, 0);
    expect(first).toEqual({ allowed: true, state: { available: 400, updatedAtMs: 0 }, retryAfterSeconds: 0 });
    const refused = chargeBucket(first.state, 600, budget, 0);
    // 200 points short at 50 a second.
    expect(refused).toEqual({ allowed: false, state: { available: 400, updatedAtMs: 0 }, retryAfterSeconds: 4 });
    expect(chargeBucket(refused.state, 600, budget, 4000).allowed).toBe(true);
  });

  it('refills at the restore rate up to the maximum, never beyond', () => {
    expect(chargeBucket({ available: 0, updatedAtMs: 0 }, 0, budget, 2000).state.available).toBe(100);
    expect(chargeBucket({ available: 900, updatedAtMs: 0 }, 0, budget, 60_000).state.available).toBe(1000);
  });

  it('asks to wait at least a second', () => {
    expect(chargeBucket({ available: 999.5, updatedAtMs: 0 }, 1000, budget, 0).retryAfterSeconds).toBe(1);
  });

  it('keeps one bucket per subject in memory', async () => {
    let now = 0;
    const store = createMemoryBucketStore(() => now);
    expect((await store.charge('a', 1000, budget)).allowed).toBe(true);
    expect((await store.charge('a', 1, budget)).allowed).toBe(false);
    expect((await store.charge('b', 1000, budget)).allowed).toBe(true);
    now = 20_000;
    expect((await store.charge('a', 1000, budget)).allowed).toBe(true);
  });
});

describe('whose budget', () => {
  const caller = (fields: Partial<Caller> & Pick<Caller, 'kind'>): Caller => ({ channel: 'WEB', scopes: [...SCOPES_BY_KIND[fields.kind]], ...fields });

  it('charges a token holder by its subject wherever they call from, and anyone else by their network', () => {
    expect(bucketSubject(caller({ kind: 'customer', customerId: 'cus_1', clientAddress: '203.0.113.7' }))).toBe('customer:cus_1');
    expect(bucketSubject(caller({ kind: 'partner', partnerId: 'acme', clientAddress: '203.0.113.7' }))).toBe('partner:acme');
    expect(bucketSubject(caller({ kind: 'staff', staffId: 'stf_1' }))).toBe('staff:stf_1');
    expect(bucketSubject(caller({ kind: 'anonymous', clientAddress: '203.0.113.7' }))).toBe('address:203.0.113.7');
    expect(bucketSubject(caller({ kind: 'anonymous', clientAddress: '::ffff:203.0.113.7' }))).toBe('address:203.0.113.7');
  });

  it('counts an IPv6 client by its /64', () => {
    expect(clientNetwork('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(clientNetwork('2001:db8:1:2:ffff:ffff:ffff:ffff')).toBe('2001:db8:1:2::/64');
  });

  it('tells POS tills from other staff', () => {
    expect(clientKindOf(caller({ kind: 'staff', channel: 'POS' }))).toBe('staff-pos');
    expect(clientKindOf(caller({ kind: 'staff', channel: 'CALL_CENTER' }))).toBe('staff');
    expect(clientKindOf(caller({ kind: 'partner' }))).toBe('partner');
  });
});

describe('rate limits from the environment', () => {
  it('defaults to the documented budgets in this process, the socket address and no safelist', () => {
    const env = loadGatewayEnv({});
    expect(env.rateLimits).toEqual({ budgets: {} });
    expect(env.trustedProxyHops).toBe(0);
    expect(env.persistedOperations).toEqual({ safelistedKinds: [] });
    // Every bucket holds the dearest operation the limits allow.
    for (const kindBudget of Object.values(DEFAULT_BUDGETS)) expect(kindBudget!.maximumAvailable).toBeGreaterThanOrEqual(25_000);
  });

  it('reads budgets per kind, Redis, proxies and the safelisted kinds, and refuses nonsense', () => {
    const env = loadGatewayEnv({
      RATE_LIMIT_PARTNER: '200000/8000',
      RATE_LIMIT_ADMIN: 'off',
      REDIS_URL: 'redis://127.0.0.1:6379',
      TRUSTED_PROXY_HOPS: '1',
      SAFELIST_CLIENT_KINDS: 'partner, staff-pos',
    });
    expect(env.rateLimits).toEqual({ budgets: { partner: { maximumAvailable: 200000, restoreRate: 8000 }, admin: null }, redisUrl: 'redis://127.0.0.1:6379' });
    expect(env.trustedProxyHops).toBe(1);
    expect(env.persistedOperations.safelistedKinds).toEqual(['partner', 'staff-pos']);
    expect(loadGatewayEnv({ RATE_LIMITS: 'off' }).rateLimits).toBe(false);
    expect(() => loadGatewayEnv({ RATE_LIMIT_ANONYMOUS: '100' })).toThrow(/RATE_LIMIT_ANONYMOUS/);
    expect(() => loadGatewayEnv({ RATE_LIMIT_STAFF_POS: '0/10' })).toThrow(/RATE_LIMIT_STAFF_POS/);
    expect(() => loadGatewayEnv({ SAFELIST_CLIENT_KINDS: 'partner,robots' })).toThrow(/SAFELIST_CLIENT_KINDS/);
    expect(() => loadGatewayEnv({ REDIS_URL: 'http://127.0.0.1:6379' })).toThrow(/REDIS_URL/);
    expect(() => loadGatewayEnv({ TRUSTED_PROXY_HOPS: '-1' })).toThrow(/TRUSTED_PROXY_HOPS/);
    expect(parseBudget(' 50000/2500 ')).toEqual({ maximumAvailable: 50000, restoreRate: 2500 });
  });
});
