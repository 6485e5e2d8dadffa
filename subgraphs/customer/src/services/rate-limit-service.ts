import { countRateLimitHit, pruneRateLimitCounters } from '../db/rate-limit-queries';
import type { CustomerDb } from '../db/database';
import { isOverLimit, rateLimitKey, type RateLimit } from './sign-in-limits';

export interface RateLimitRefusal {
  limit: RateLimit;
  /** When the limit's window ends: asking again from then on is counted afresh. */
  retryAt: Date;
}

/**
 * Counts a hit on each limit in turn and stops at the first one over its maximum, so a refused
 * request does not use up the quotas after it. Counters live in Postgres, shared by every instance.
 */
export async function takeRateLimits(db: CustomerDb, hits: readonly { limit: RateLimit; subject: string }[]): Promise<RateLimitRefusal | null> {
  for (const { limit, subject } of hits) {
    const counter = await countRateLimitHit(db, rateLimitKey(limit, subject), limit.windowMs);
    // A window just opened: a good moment to clear counters of subjects that never came back.
    if (counter.hits === 1) await pruneRateLimitCounters(db);
    if (isOverLimit(limit, counter.hits)) return { limit, retryAt: counter.windowEndsAt };
  }
  return null;
}
