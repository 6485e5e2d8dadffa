import type { BucketStore } from './bucket-store';
import { createMemoryBucketStore } from './bucket-store';
import { DEFAULT_BUDGETS, type Budgets } from './budgets';
import { createRateLimiter } from './rate-limiter';
import { createRedisBucketStore } from './redis-bucket-store';

export { CLIENT_KINDS, clientKindOf, bucketSubject, clientNetwork, type ClientKind } from './client-kinds';
export { DEFAULT_BUDGETS, BUDGET_VARIABLES, budgetVariableOf, parseBudget, type Budgets } from './budgets';
export { createMemoryBucketStore, type BucketStore } from './bucket-store';
export { createRedisBucketStore } from './redis-bucket-store';
export type { Budget } from './token-bucket';

export interface RateLimitOptions {
  /** Budgets per client kind; kinds left out keep DEFAULT_BUDGETS. */
  budgets?: Partial<Budgets>;
  /** Buckets in this Redis, shared by every gateway replica; in this process without it. */
  redisUrl?: string;
  /** Prefix of every Redis key; `omni:rate:` by default. */
  keyPrefix?: string;
}

export const DEFAULT_RATE_LIMIT_KEY_PREFIX = 'omni:rate:';

/** The rate limiter a gateway charges operations to, and the store to close when it stops. */
export function createGatewayRateLimits(options: RateLimitOptions = {}): { throttle: ReturnType<typeof createRateLimiter>; store: BucketStore; budgets: Budgets } {
  const budgets = { ...DEFAULT_BUDGETS, ...options.budgets };
  const store = options.redisUrl
    ? createRedisBucketStore({ url: options.redisUrl, keyPrefix: options.keyPrefix ?? DEFAULT_RATE_LIMIT_KEY_PREFIX })
    : createMemoryBucketStore();
  return { throttle: createRateLimiter(budgets, store), store, budgets };
}
