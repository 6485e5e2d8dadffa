import { eq, sql } from 'drizzle-orm';
import type { DomainEvent, EventDb } from '../../src/domain-event';
import { consumeEvents } from '../../src/inbox';
import { counters, processedEvents } from './event-tables';

/** A consumer whose effect is visibly not idempotent on its own: it counts what it saw. */
export function applyCountingConsumer(db: EventDb, events: readonly DomainEvent[]): Promise<number> {
  return consumeEvents(db, processedEvents, 'counter', events, async (tx) => {
    await tx.update(counters).set({ value: sql`${counters.value} + 1` }).where(eq(counters.id, 'orders-seen'));
  });
}

export async function countedOrders(db: EventDb): Promise<number> {
  const [row] = await db.select().from(counters).where(eq(counters.id, 'orders-seen'));
  return row!.value;
}
