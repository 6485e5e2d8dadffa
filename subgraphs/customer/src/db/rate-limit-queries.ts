import { inArray, lte, sql } from 'drizzle-orm';
import { rateLimitCounters } from './schema';
import type { CustomerDb } from './database';

/**
 * Counts one hit on a limit's counter in one statement: concurrent hits on the same key queue on
 * the row, so each sees the count including every hit before it, on any instance. A window that
 * has passed restarts at this hit. The database clock decides, so instances need not agree on time.
 */
export async function countRateLimitHit(db: CustomerDb, key: string, windowMs: number): Promise<{ hits: number; windowEndsAt: Date }> {
  const newWindowEnd = sql`now() + make_interval(secs => ${windowMs / 1000})`;
  const windowPassed = sql`${rateLimitCounters.windowEndsAt} <= now()`;
  const [row] = await db
    .insert(rateLimitCounters)
    .values({ key, hits: 1, windowEndsAt: newWindowEnd })
    .onConflictDoUpdate({
      target: rateLimitCounters.key,
      set: {
        hits: sql`case when ${windowPassed} then 1 else ${rateLimitCounters.hits} + 1 end`,
        windowEndsAt: sql`case when ${windowPassed} then ${newWindowEnd} else ${rateLimitCounters.windowEndsAt} end`,
      },
    })
    .returning({ hits: rateLimitCounters.hits, windowEndsAt: rateLimitCounters.windowEndsAt });
  return row!;
}

/**
 * Removes a batch of counters whose window has passed (a subject that never came back). Rows
 * another instance is touching are skipped rather than waited for.
 */
export async function pruneRateLimitCounters(db: CustomerDb, batchSize = 100): Promise<void> {
  const expired = db
    .select({ key: rateLimitCounters.key })
    .from(rateLimitCounters)
    .where(lte(rateLimitCounters.windowEndsAt, sql`now()`))
    .limit(batchSize)
    .for('update', { skipLocked: true });
  await db.delete(rateLimitCounters).where(inArray(rateLimitCounters.key, expired));
}
