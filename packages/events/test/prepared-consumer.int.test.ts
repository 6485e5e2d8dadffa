import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '@omni/db';
import { createTestDatabase, type TestDatabase } from '@omni/testing';
import type { DomainEvent } from '../src/domain-event';
import { consumePreparedEvents } from '../src/inbox';
import { counters, openEventTestDatabase, processedEvents } from './support/event-tables';

let testDb: TestDatabase;
let database: Awaited<ReturnType<typeof openEventTestDatabase>>;

beforeAll(async () => {
  testDb = await createTestDatabase();
  database = await openEventTestDatabase(testDb.client, true);
});

afterAll(async () => {
  await testDb?.drop();
});

const event = (): DomainEvent => ({ id: newId('evt'), type: 'order.placed', producer: 'test', aggregateId: 'ord_1', occurredAt: new Date(), payload: {} });

async function counted(): Promise<number> {
  const [row] = await database.db.select().from(counters).where(eq(counters.id, 'orders-seen'));
  return row!.value;
}

describe('consumePreparedEvents', () => {
  it('prepares outside the transaction, applies once, and skips preparing what was applied', async () => {
    const prepared: string[] = [];
    const consume = (events: DomainEvent[]) =>
      consumePreparedEvents(
        database.db,
        processedEvents,
        'prepared',
        events,
        async (e) => {
          prepared.push(e.id);
          return 2;
        },
        async (tx, _e, step) => {
          await tx.update(counters).set({ value: sql`${counters.value} + ${step}` }).where(eq(counters.id, 'orders-seen'));
        },
      );
    const [first, second] = [event(), event()];
    const before = await counted();
    expect(await consume([first, second])).toBe(2);
    expect(await consume([first, second])).toBe(0);
    expect(await counted()).toBe(before + 4);
    expect(prepared).toEqual([first.id, second.id]);
  });

  it('leaves an event whose apply failed to a later delivery', async () => {
    const failing = event();
    const before = await counted();
    const consume = (fail: boolean) =>
      consumePreparedEvents(database.db, processedEvents, 'prepared', [failing], async () => null, async (tx) => {
        await tx.update(counters).set({ value: sql`${counters.value} + 1` }).where(eq(counters.id, 'orders-seen'));
        if (fail) throw new Error('changed meanwhile');
      });
    await expect(consume(true)).rejects.toThrow('changed meanwhile');
    expect(await counted()).toBe(before);
    expect(await consume(false)).toBe(1);
    expect(await counted()).toBe(before + 1);
  });
});
