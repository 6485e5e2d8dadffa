import { Redis } from 'ioredis';
import { GUARD_HORIZON_MS, type CachedResponse, type ResponseStore } from './response-store';

/**
 * Keys, under the store's prefix: `r:<key>` a response, `t:<tag>` the responses carrying a tag
 * (a sorted set scored by expiry, so entries that expired on their own are trimmed as it is
 * written), `i:<tag>` the invalidation count when the tag was last invalidated, `epoch` the count.
 */
const LOOKUP_SCRIPT = `
return { redis.call('GET', KEYS[2]) or '0', redis.call('GET', KEYS[1]) }
`;

/** Refuses (0) when a tag was invalidated after the mark the fetch started with. */
const STORE_SCRIPT = `
local count = tonumber(ARGV[4])
local mark = tonumber(ARGV[3])
for i = 1, count do
  if tonumber(redis.call('GET', KEYS[1 + i]) or '0') > mark then return 0 end
end
local ttl = tonumber(ARGV[2])
redis.call('SET', KEYS[1], ARGV[1], 'PX', ttl)
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
for i = 1, count do
  local tagged = KEYS[1 + count + i]
  redis.call('ZREMRANGEBYSCORE', tagged, '-inf', now)
  redis.call('ZADD', tagged, now + ttl, KEYS[1])
  redis.call('PEXPIRE', tagged, ttl)
end
return 1
`;

const INVALIDATE_SCRIPT = `
local count = tonumber(ARGV[1])
local epoch = redis.call('INCR', KEYS[1])
for i = 1, count do
  redis.call('SET', KEYS[1 + i], epoch, 'PX', tonumber(ARGV[2]))
  local tagged = KEYS[1 + count + i]
  local keys = redis.call('ZRANGE', tagged, 0, -1)
  for first = 1, #keys, 500 do
    redis.call('DEL', unpack(keys, first, math.min(first + 499, #keys)))
  end
  redis.call('DEL', tagged)
end
return epoch
`;

export interface RedisResponseStoreOptions {
  url: string;
  /** Prepended to every key, so that several deployments (or test runs) can share one Redis. */
  keyPrefix: string;
  ttlMs: number;
  /** Where a failing Redis is reported; requests are answered by the subgraphs meanwhile. */
  logWarning?: (line: string) => void;
}

type Script = (keyCount: number, ...keysAndArgs: (string | number)[]) => Promise<unknown>;

/** How often one outage is logged, rather than once per request. */
const WARNING_INTERVAL_MS = 60_000;
/** Invalidations that did not reach Redis are retried this often, until they do. */
const RETRY_MS = 250;

/**
 * Responses in Redis, shared by every gateway replica; each replica hears the catalog's events
 * and invalidates here, so whichever hears first drops the entries for all. Nothing is kept in
 * the process, so no replica can serve a copy another one already dropped. A Redis that does not
 * answer within a moment makes every request a miss.
 */
export function createRedisResponseStore(options: RedisResponseStoreOptions): ResponseStore {
  const redis = new Redis(options.url, { keyPrefix: options.keyPrefix, maxRetriesPerRequest: 1, commandTimeout: 500 });
  redis.defineCommand('omniCacheLookup', { numberOfKeys: 2, lua: LOOKUP_SCRIPT });
  redis.defineCommand('omniCacheStore', { lua: STORE_SCRIPT });
  redis.defineCommand('omniCacheInvalidate', { lua: INVALIDATE_SCRIPT });
  const commands = redis as unknown as {
    omniCacheLookup(key: string, epoch: string): Promise<[string, string | null]>;
    omniCacheStore: Script;
    omniCacheInvalidate: Script;
  };
  const logWarning = options.logWarning ?? ((line: string) => console.warn(line));
  let lastWarningMs = -Infinity;
  const warn = (error: unknown) => {
    if (Date.now() - lastWarningMs < WARNING_INTERVAL_MS) return;
    lastWarningMs = Date.now();
    logWarning(`response cache: Redis did not answer (${error instanceof Error ? error.message : String(error)}); requests go to the subgraphs until it does`);
  };
  // Connection errors are retried by ioredis; without a listener each would be an uncaught event.
  redis.on('error', warn);

  // Tags whose invalidation has not reached Redis yet. Until it has, nothing is served: an entry
  // that should have been dropped may still be there.
  const unsent = new Set<string>();
  let retry: NodeJS.Timeout | null = null;
  let closed = false;

  async function send(tags: readonly string[]): Promise<void> {
    const keys = [...tags.map((tag) => `i:${tag}`), ...tags.map((tag) => `t:${tag}`)];
    await commands.omniCacheInvalidate(1 + keys.length, 'epoch', ...keys, tags.length, GUARD_HORIZON_MS);
  }

  function retryLater(): void {
    if (retry || closed) return;
    retry = setTimeout(() => {
      retry = null;
      const tags = [...unsent];
      send(tags).then(
        () => tags.forEach((tag) => unsent.delete(tag)),
        (error: unknown) => {
          warn(error);
          retryLater();
        },
      );
    }, RETRY_MS);
    retry.unref();
  }

  return {
    async lookup(key) {
      try {
        const [epoch, value] = await commands.omniCacheLookup(`r:${key}`, 'epoch');
        // A mark no invalidation can be below keeps a fetch made now from being stored.
        if (unsent.size > 0) return { hit: null, mark: -1 };
        return { hit: value ? (JSON.parse(value) as CachedResponse) : null, mark: Number(epoch) };
      } catch (error) {
        warn(error);
        return { hit: null, mark: -1 };
      }
    },
    async store(key, response, tags, mark) {
      if (mark < 0) return false;
      try {
        const keys = [`r:${key}`, ...tags.map((tag) => `i:${tag}`), ...tags.map((tag) => `t:${tag}`)];
        return (await commands.omniCacheStore(keys.length, ...keys, JSON.stringify(response), options.ttlMs, mark, tags.length)) === 1;
      } catch (error) {
        warn(error);
        return false;
      }
    },
    async invalidate(tags) {
      if (tags.length === 0) return;
      try {
        await send(tags);
      } catch (error) {
        warn(error);
        for (const tag of tags) unsent.add(tag);
        retryLater();
      }
    },
    async close() {
      closed = true;
      if (retry) clearTimeout(retry);
      redis.disconnect();
    },
  };
}
