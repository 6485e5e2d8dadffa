import { newId } from '@omni/db';
import type { EventDb } from './domain-event';
import { recordOutboxWrite } from './outbox-commits';
import type { OutboxTable } from './tables';

export interface NewDomainEvent {
  type: string;
  aggregateId: string;
  payload: Record<string, unknown>;
  occurredAt?: Date;
}

/**
 * Writes events to the outbox. Pass the transaction that makes the change: the events then
 * commit or roll back with it, which is the whole point of the outbox.
 */
export async function publishEvents(tx: EventDb, outbox: OutboxTable, events: readonly NewDomainEvent[]): Promise<string[]> {
  if (events.length === 0) return [];
  const rows = events.map((event) => ({
    id: newId('evt'),
    type: event.type,
    aggregateId: event.aggregateId,
    payload: event.payload,
    ...(event.occurredAt ? { occurredAt: event.occurredAt } : {}),
  }));
  await tx.insert(outbox).values(rows);
  recordOutboxWrite(tx, outbox);
  return rows.map((row) => row.id);
}

export async function publishEvent(tx: EventDb, outbox: OutboxTable, event: NewDomainEvent): Promise<string> {
  const [id] = await publishEvents(tx, outbox, [event]);
  return id!;
}
