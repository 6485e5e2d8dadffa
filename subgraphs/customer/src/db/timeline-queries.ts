import { and, asc, desc, inArray, sql, type SQL } from 'drizzle-orm';
import { findFirstRowsPerParent } from '@omni/db';
import { recentlyViewed, timelineEntries, type RecentlyViewedRow, type TimelineEntryRow, type TouchpointKind } from './schema';
import type { CustomerDb } from './database';

/** Keyset position in a timeline: oldest first by time, then id. */
export type TimelineCursor = [occurredAtIso: string, id: string];

export interface TimelineFilter {
  kinds: readonly TouchpointKind[] | null;
  channels: readonly string[] | null;
}

/** One page of the timeline of each customer in one statement. */
export async function findTimelinePages(
  db: CustomerDb,
  customerIds: readonly string[],
  page: { limit: number; after: TimelineCursor | null; filter: TimelineFilter },
): Promise<TimelineEntryRow[]> {
  const conditions: SQL[] = [inArray(timelineEntries.customerId, [...customerIds])];
  if (page.after) {
    const [occurredAt, id] = page.after;
    conditions.push(sql`(${timelineEntries.occurredAt}, ${timelineEntries.id}) > (${occurredAt}::timestamptz, ${id})`);
  }
  if (page.filter.kinds) conditions.push(inArray(timelineEntries.kind, [...page.filter.kinds]));
  if (page.filter.channels) conditions.push(inArray(timelineEntries.channel, [...page.filter.channels]));
  return findFirstRowsPerParent(db, {
    table: timelineEntries,
    parent: timelineEntries.customerId,
    where: and(...conditions),
    orderBy: [asc(timelineEntries.occurredAt), asc(timelineEntries.id)],
    limit: page.limit + 1,
  });
}

/** Ignores an entry whose source event was already recorded. */
export async function insertTimelineEntry(db: CustomerDb, row: typeof timelineEntries.$inferInsert): Promise<TimelineEntryRow | null> {
  const [created] = await db.insert(timelineEntries).values(row).onConflictDoNothing().returning();
  return created ?? null;
}

export const MAX_RECENTLY_VIEWED = 50;

/** The latest views of each customer in one statement. */
export async function findRecentlyViewed(db: CustomerDb, customerIds: readonly string[]): Promise<RecentlyViewedRow[]> {
  return findFirstRowsPerParent(db, {
    table: recentlyViewed,
    parent: recentlyViewed.customerId,
    where: inArray(recentlyViewed.customerId, [...customerIds]),
    orderBy: [desc(recentlyViewed.viewedAt), asc(recentlyViewed.productId)],
    limit: MAX_RECENTLY_VIEWED,
  });
}

export async function upsertRecentlyViewed(db: CustomerDb, row: RecentlyViewedRow): Promise<void> {
  await db
    .insert(recentlyViewed)
    .values(row)
    .onConflictDoUpdate({ target: [recentlyViewed.customerId, recentlyViewed.productId], set: { viewedAt: row.viewedAt, channel: row.channel } });
}

