import { sql } from 'drizzle-orm';
import { integer, pgSchema, text } from 'drizzle-orm/pg-core';
import { createDatabase, type DatabaseClient } from '@omni/db';
import { createOutboxTable, createProcessedEventsTable } from '../../src/tables';

/** A producer and a consumer sharing one throwaway schema, as two subgraphs would each own theirs. */
export const testSchema = pgSchema('events_test');
export const outbox = createOutboxTable(testSchema);
export const processedEvents = createProcessedEventsTable(testSchema);
export const orders = testSchema.table('orders', { id: text('id').primaryKey() });
export const counters = testSchema.table('counters', { id: text('id').primaryKey(), value: integer('value').notNull() });
export const tables = { outbox, processedEvents, orders, counters };

export async function openEventTestDatabase(client: DatabaseClient, create: boolean) {
  const database = createDatabase(client, tables);
  if (create) {
    await database.db.execute(sql`create schema if not exists events_test`);
    await database.db.execute(sql`
      create table events_test.outbox_events (
        id text primary key, type text not null, aggregate_id text not null, payload jsonb not null,
        occurred_at timestamptz not null default now(), attempts integer not null default 0,
        next_attempt_at timestamptz not null default now(), last_error text, delivered_at timestamptz)`);
    await database.db.execute(sql`
      create table events_test.processed_events (
        consumer text not null, event_id text not null, processed_at timestamptz not null default now(),
        primary key (consumer, event_id))`);
    await database.db.execute(sql`create table events_test.orders (id text primary key)`);
    await database.db.execute(sql`create table events_test.counters (id text primary key, value integer not null)`);
    await database.db.execute(sql`insert into events_test.counters values ('orders-seen', 0)`);
  }
  return database;
}
