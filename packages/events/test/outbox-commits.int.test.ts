import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@omni/testing';
import { newId } from '@omni/db';
import { publishEvent } from '../src/outbox';
import { onOutboxCommit, wakeRelaysAfterCommit } from '../src/outbox-commits';
import { createOutboxRelay } from '../src/relay';
import type { DomainEvent } from '../src/domain-event';
import { openEventTestDatabase, orders, outbox } from './support/event-tables';

/**
 * A commit that wrote to an outbox wakes the relays of that outbox at once, so live listeners
 * hear of it within milliseconds rather than at the next poll; a rollback wakes nothing.
 */
let testDb: TestDatabase;
let database: Awaited<ReturnType<typeof openEventTestDatabase>>;

beforeAll(async () => {
  testDb = await createTestDatabase();
  database = await openEventTestDatabase(testDb.client, true);
});

afterAll(async () => {
  await testDb?.drop();
});

describe('waking relays after commit', () => {
  it('wakes once the transaction that wrote to the outbox committed, never for a rollback', async () => {
    const db = wakeRelaysAfterCommit(database.db);
    const wakes: boolean[] = [];
    // Stands in for a relay of this outbox.
    const stop = onOutboxCommit(outbox, () => wakes.push(true));
    try {
      const id = newId('ord');
      await db.transaction(async (tx) => {
        await tx.insert(orders).values({ id });
        await publishEvent(tx, outbox, { type: 'order.placed', aggregateId: id, payload: { orderId: id } });
        expect(wakes).toEqual([]);
      });
      expect(wakes).toEqual([true]);
      await expect(
        db.transaction(async (tx) => {
          await publishEvent(tx, outbox, { type: 'order.placed', aggregateId: newId('ord'), payload: {} });
          throw new Error('rolled back');
        }),
      ).rejects.toThrow('rolled back');
      await db.transaction(async (tx) => void (await tx.insert(orders).values({ id: newId('ord') })));
      expect(wakes).toEqual([true]);
      // Outside a transaction the insert commits by itself.
      await publishEvent(db, outbox, { type: 'order.placed', aggregateId: newId('ord'), payload: {} });
      expect(wakes).toEqual([true, true]);
    } finally {
      stop();
    }
  });

  it('a started relay announces a committed event without waiting for its poll', async () => {
    const announced: DomainEvent[] = [];
    const relay = createOutboxRelay({ db: database.db, outbox, producer: 'test', deliver: async () => {}, announce: async (events) => void announced.push(...events), pollIntervalMs: 60_000 });
    relay.start();
    try {
      await new Promise((resolve) => setTimeout(resolve, 200));
      announced.length = 0;
      const id = newId('ord');
      const started = performance.now();
      await wakeRelaysAfterCommit(database.db).transaction(async (tx) => {
        await publishEvent(tx, outbox, { type: 'order.placed', aggregateId: id, payload: {} });
      });
      await expect.poll(() => announced.map((event) => event.aggregateId), { timeout: 5_000, interval: 5 }).toContain(id);
      // Far below the 60 s poll: the commit woke it.
      expect(performance.now() - started).toBeLessThan(5_000);
    } finally {
      await relay.stop();
    }
  });
});
