import { sql } from 'drizzle-orm';
import { index, integer, jsonb, primaryKey, text, timestamp, type PgSchema } from 'drizzle-orm/pg-core';

/**
 * The producer's outbox. A row is written in the same transaction as the change it describes,
 * so an event exists exactly when its change committed. `next_attempt_at` doubles as the lease
 * of a relay that claimed the row: if that relay dies, the row becomes due again when it runs out.
 */
export function createOutboxTable(schema: PgSchema) {
  return schema.table(
    'outbox_events',
    {
      id: text('id').primaryKey(),
      type: text('type').notNull(),
      aggregateId: text('aggregate_id').notNull(),
      payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
      occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull().defaultNow(),
      attempts: integer('attempts').notNull().default(0),
      nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull().defaultNow(),
      lastError: text('last_error'),
      deliveredAt: timestamp('delivered_at', { withTimezone: true }),
    },
    (table) => [index('outbox_events_due_idx').on(table.nextAttemptAt, table.id).where(sql`delivered_at is null`)],
  );
}

/**
 * The consumer's inbox: one row per (consumer, event) it has applied, written in the same
 * transaction as the effect, so a redelivered event is recognised and skipped.
 */
export function createProcessedEventsTable(schema: PgSchema) {
  return schema.table(
    'processed_events',
    {
      consumer: text('consumer').notNull(),
      eventId: text('event_id').notNull(),
      processedAt: timestamp('processed_at', { withTimezone: true }).notNull().defaultNow(),
    },
    (table) => [primaryKey({ columns: [table.consumer, table.eventId] })],
  );
}

export type OutboxTable = ReturnType<typeof createOutboxTable>;
export type ProcessedEventsTable = ReturnType<typeof createProcessedEventsTable>;
export type OutboxRow = OutboxTable['$inferSelect'];
