import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { createMemoryResponseStore, createRedisResponseStore, type ResponseStore } from '../src/response-cache';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

async function redisReachable(): Promise<boolean> {
  const probe = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 1000, retryStrategy: () => null });
  try {
    await probe.connect();
    await probe.ping();
    return true;
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
}

const response = (title: string) => ({ data: { product: { id: 'prod_a', title } }, storedAtMs: Date.now() });
const opened: ResponseStore[] = [];
const prefixes: string[] = [];

afterAll(async () => {
  for (const store of opened) await store.close();
  if (prefixes.length === 0 || !(await redisReachable())) return;
  const redis = new Redis(REDIS_URL);
  for (const prefix of prefixes) {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
  }
  redis.disconnect();
});

/** The behaviour both stores share; `open` makes a store, several of them sharing one place where that applies. */
function sharedBehaviour(name: string, open: (ttlMs?: number) => Promise<ResponseStore | null>) {
  describe(name, () => {
    it('returns what was stored, until a tag it carries is invalidated', async (context) => {
      const store = await open();
      if (!store) return context.skip(`Redis is not reachable at ${REDIS_URL}`);
      const first = await store.lookup('k1');
      expect(first.hit).toBeNull();
      expect(await store.store('k1', response('Parka'), ['product:prod_a', 'listing'], first.mark)).toBe(true);
      expect(await store.store('k2', response('Other'), ['product:prod_b'], first.mark)).toBe(true);
      expect((await store.lookup('k1')).hit?.data).toEqual({ product: { id: 'prod_a', title: 'Parka' } });
      await store.invalidate(['listing']);
      expect((await store.lookup('k1')).hit).toBeNull();
      expect((await store.lookup('k2')).hit?.data).toEqual({ product: { id: 'prod_a', title: 'Other' } });
    });

    it('refuses a response fetched before an invalidation of one of its tags that completed after it', async (context) => {
      const store = await open();
      if (!store) return context.skip(`Redis is not reachable at ${REDIS_URL}`);
      const { mark } = await store.lookup('k3');
      // The change commits and is announced while the fetch that began before it is still out.
      await store.invalidate(['product:prod_a']);
      expect(await store.store('k3', response('Old price'), ['product:prod_a'], mark)).toBe(false);
      expect((await store.lookup('k3')).hit).toBeNull();
      // A fetch whose tags were not touched is stored; one that began after the change is too.
      expect(await store.store('k4', response('Unrelated'), ['product:prod_c'], mark)).toBe(true);
      const after = await store.lookup('k3');
      expect(await store.store('k3', response('New price'), ['product:prod_a'], after.mark)).toBe(true);
      expect((await store.lookup('k3')).hit?.data).toEqual({ product: { id: 'prod_a', title: 'New price' } });
    });

    it('forgets a response after its time to live', async (context) => {
      const store = await open(150);
      if (!store) return context.skip(`Redis is not reachable at ${REDIS_URL}`);
      const { mark } = await store.lookup('k5');
      await store.store('k5', response('Brief'), ['listing'], mark);
      expect((await store.lookup('k5')).hit).not.toBeNull();
      await new Promise((resolve) => setTimeout(resolve, 250));
      expect((await store.lookup('k5')).hit).toBeNull();
    });
  });
}

sharedBehaviour('in memory', async (ttlMs = 30_000) => {
  const store = createMemoryResponseStore({ maxBytes: 1_000_000, ttlMs });
  opened.push(store);
  return store;
});

let reachable: boolean | undefined;
sharedBehaviour('in Redis', async (ttlMs = 30_000) => {
  reachable ??= await redisReachable();
  if (!reachable) return null;
  const keyPrefix = `test:cache:${randomUUID()}:`;
  prefixes.push(keyPrefix);
  const store = createRedisResponseStore({ url: REDIS_URL, keyPrefix, ttlMs });
  opened.push(store);
  return store;
});

describe('in memory, bounded', () => {
  it('drops the least recently used responses once over its size', async () => {
    const store = createMemoryResponseStore({ maxBytes: 100, ttlMs: 30_000 });
    const body = (n: number) => ({ data: { text: `${n}`.padEnd(30, '.') }, storedAtMs: 0 });
    await store.store('a', body(1), [], 0);
    await store.store('b', body(2), [], 0);
    await store.lookup('a');
    await store.store('c', body(3), [], 0);
    expect((await store.lookup('a')).hit).not.toBeNull();
    expect((await store.lookup('b')).hit).toBeNull();
    expect((await store.lookup('c')).hit).not.toBeNull();
  });
});

describe('in Redis, shared by replicas', () => {
  it('drops for every replica what one replica invalidates, and guards the race across them', async (context) => {
    if (!(await redisReachable())) return context.skip(`Redis is not reachable at ${REDIS_URL}`);
    const keyPrefix = `test:cache:${randomUUID()}:`;
    prefixes.push(keyPrefix);
    const one = createRedisResponseStore({ url: REDIS_URL, keyPrefix, ttlMs: 30_000 });
    const two = createRedisResponseStore({ url: REDIS_URL, keyPrefix, ttlMs: 30_000 });
    opened.push(one, two);
    const { mark } = await one.lookup('listing-page');
    await one.store('listing-page', response('Parka'), ['listing'], mark);
    expect((await two.lookup('listing-page')).hit).not.toBeNull();
    const slow = await two.lookup('slug-page');
    await one.invalidate(['listing']);
    expect((await two.lookup('listing-page')).hit).toBeNull();
    // Replica two began its fetch before replica one heard of the change: it must not store.
    expect(await two.store('slug-page', response('Old'), ['listing'], slow.mark)).toBe(false);
  });
});
