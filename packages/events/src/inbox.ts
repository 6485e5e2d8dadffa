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
