import { and, eq } from 'drizzle-orm';
import type { DomainEvent, EventDb } from './domain-event';
import type { ProcessedEventsTable } from './tables';

/**
 * Applies an event's effect at most once per consumer. Call it inside the transaction that
 * writes the effect: the inbox row and the effect commit together, so a redelivery either finds
 * the row (and skips) or the first attempt rolled back entirely (and it is applied now).
 */
export async function applyOnce(
  tx: EventDb,
  processed: ProcessedEventsTable,
  consumer: string,
  eventId: string,
  apply: () => Promise<void>,
): Promise<boolean> {
  const inserted = await tx
    .insert(processed)
    .values({ consumer, eventId })
    .onConflictDoNothing()
    .returning({ eventId: processed.eventId });
  if (inserted.length === 0) return false;
  await apply();
  return true;
}

/** Applies a delivered batch, each event in its own transaction; returns how many were new. */
export async function consumeEvents(
  db: EventDb,
  processed: ProcessedEventsTable,
  consumer: string,
  events: readonly DomainEvent[],
  handle: (tx: EventDb, event: DomainEvent) => Promise<void>,
): Promise<number> {
  let applied = 0;
  for (const event of events) {
    const fresh = await db.transaction((tx) => applyOnce(tx, processed, consumer, event.id, () => handle(tx, event)));
    if (fresh) applied += 1;
  }
  return applied;
}

/** Whether this consumer applied the event already; a hint only, `applyOnce` decides. */
export async function wasProcessed(db: EventDb, processed: ProcessedEventsTable, consumer: string, eventId: string): Promise<boolean> {
  const rows = await db
    .select({ eventId: processed.eventId })
    .from(processed)
    .where(and(eq(processed.consumer, consumer), eq(processed.eventId, eventId)));
  return rows.length > 0;
}

/**
 * Like `consumeEvents`, for effects that must look elsewhere first: `prepare` runs before the
 * event's transaction (a network call must never run while that transaction holds locks) and its
 * result goes to `apply` inside it. Events already applied skip `prepare` too. `apply` must
 * re-check under its locks what `prepare` saw, and throw to have the event delivered again when
 * that changed in a way it cannot handle.
 */
export async function consumePreparedEvents<TPrepared>(
  db: EventDb,
  processed: ProcessedEventsTable,
  consumer: string,
  events: readonly DomainEvent[],
  prepare: (event: DomainEvent) => Promise<TPrepared>,
  apply: (tx: EventDb, event: DomainEvent, prepared: TPrepared) => Promise<void>,
): Promise<number> {
  let applied = 0;
  for (const event of events) {
    if (await wasProcessed(db, processed, consumer, event.id)) continue;
    const prepared = await prepare(event);
    const fresh = await db.transaction((tx) => applyOnce(tx, processed, consumer, event.id, () => apply(tx, event, prepared)));
    if (fresh) applied += 1;
  }
  return applied;
}
