import { Redis } from 'ioredis';
import type { BucketStore } from './bucket-store';
import { secondsUntil, type Budget } from './token-bucket';

/**
 * The token bucket of token-bucket.ts as one atomic script, on Redis's clock so that replicas
 * whose clocks differ still agree. A hash per caller holds the points left and when; it expires
 * once the bucket would be full again. Returns whether the cost was taken and the points left
 * (as a string: Redis turns Lua numbers into integers).
 */
const CHARGE_SCRIPT = `
local maximum = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local state = redis.call('HMGET', KEYS[1], 'available', 'at')
local available = tonumber(state[1])
local at = tonumber(state[2])
if available == nil or at == nil then
  available = maximum
else
  available = math.min(maximum, available + math.max(0, now - at) * rate / 1000)
end
local allowed = 0
if cost <= available then
  available = available - cost
  allowed = 1
end
redis.call('HSET', KEYS[1], 'available', tostring(available), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil((maximum - available) * 1000 / rate) + 1000)
return { allowed, tostring(available) }
`;

export interface RedisBucketStoreOptions {
  url: string;
  /** Prepended to every key, so that several deployments (or test runs) can share one Redis. */
  keyPrefix: string;
  /** Where a failing Redis is reported; operations are let through meanwhile. */
  logWarning?: (line: string) => void;
}

type ChargeCommand = (key: string, maximum: number, rate: number, cost: number) => Promise<[number, string]>;

/** How often one outage is logged, rather than once per request. */
const WARNING_INTERVAL_MS = 60_000;

/**
 * Buckets in Redis, shared by every gateway replica. When Redis does not answer within a moment
 * the operation runs unthrottled and the outage is logged: the rate limit protects the subgraphs
 * from a few heavy callers, and is not worth refusing every caller for.
 */
export function createRedisBucketStore(options: RedisBucketStoreOptions): BucketStore {
  const redis = new Redis(options.url, {
    keyPrefix: options.keyPrefix,
    // A charge waits at most half a second for a Redis that is down or still connecting.
    maxRetriesPerRequest: 1,
    commandTimeout: 500,
  });
  redis.defineCommand('omniChargeBucket', { numberOfKeys: 1, lua: CHARGE_SCRIPT });
  const command = (redis as unknown as { omniChargeBucket: ChargeCommand }).omniChargeBucket.bind(redis);
  const logWarning = options.logWarning ?? ((line: string) => console.warn(line));
  let lastWarningMs = -Infinity;
  const warn = (error: unknown) => {
    if (Date.now() - lastWarningMs < WARNING_INTERVAL_MS) return;
    lastWarningMs = Date.now();
    logWarning(`rate limits: Redis did not answer (${error instanceof Error ? error.message : String(error)}); operations run unthrottled until it does`);
  };
  // Connection errors are retried by ioredis; without a listener each would be an uncaught event.
  redis.on('error', warn);
  return {
    async charge(subject, cost, budget: Budget) {
      try {
        const [allowed, left] = await command(subject, budget.maximumAvailable, budget.restoreRate, cost);
        const available = Number(left);
        const nowMs = Date.now();
        return allowed === 1
          ? { allowed: true, state: { available, updatedAtMs: nowMs }, retryAfterSeconds: 0 }
          : { allowed: false, state: { available, updatedAtMs: nowMs }, retryAfterSeconds: secondsUntil(cost, available, budget) };
      } catch (error) {
        warn(error);
        return { allowed: true, state: { available: budget.maximumAvailable, updatedAtMs: Date.now() }, retryAfterSeconds: 0 };
      }
    },
    async close() {
      redis.disconnect();
    },
  };
}
