import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, onPostgresServer, type TestDatabase } from '@omni/testing';
import { newId } from '@omni/db';
import { publishEvent } from '../src/outbox';
import { createOutboxRelay, pendingEventCount } from '../src/relay';
import type { DomainEvent } from '../src/domain-event';
import { countedOrders, applyCountingConsumer } from './support/counting-consumer';
import { openEventTestDatabase, orders, outbox } from './support/event-tables';

let testDb: TestDatabase;
let database: Awaited<ReturnType<typeof openEventTestDatabase>>;

beforeAll(async () => {
  testDb = await createTestDatabase();
  database = await openEventTestDatabase(testDb.client, true);
});

afterAll(async () => {
  await testDb?.drop();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function placeOrder(id = newId('ord'), fail = false) {
  await database.db.transaction(async (tx) => {
    await tx.insert(orders).values({ id });
    await publishEvent(tx, outbox, { type: 'order.placed', aggregateId: id, payload: { orderId: id } });
    if (fail) throw new Error('checkout failed after the event was written');
  });
  return id;
}

function runCrashProcess(mode: 'after-commit' | 'after-delivery', orderId = '') {
  if (testDb.client.kind !== 'postgres') throw new Error('needs a Postgres server');
  const script = fileURLToPath(new URL('./support/crash-process.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', script, testDb.client.url, mode, orderId], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += String(chunk)));
  return new Promise<NodeJS.Signals | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code, signal) => (signal ? resolve(signal) : reject(new Error(`exited with ${code}: ${stderr}`))));
  });
}

describe('outbox and inbox', () => {
  it('writes an event only when its change commits', async () => {
    const before = await pendingEventCount(database.db, outbox);
    await expect(placeOrder(newId('ord'), true)).rejects.toThrow('checkout failed');
    expect(await pendingEventCount(database.db, outbox)).toBe(before);
    await placeOrder();
    expect(await pendingEventCount(database.db, outbox)).toBe(before + 1);
  });

  it('delivers every committed event and applies a redelivered event once', async () => {
    const delivered: DomainEvent[] = [];
    const relay = createOutboxRelay({ db: database.db, outbox, producer: 'test', deliver: async (events) => void delivered.push(...events) });
    const id = await placeOrder();
    await relay.drain();
    const event = delivered.find((candidate) => candidate.aggregateId === id)!;
    expect(event).toMatchObject({ type: 'order.placed', producer: 'test', payload: { orderId: id } });
    expect(await pendingEventCount(database.db, outbox)).toBe(0);

    const counted = await countedOrders(database.db);
    expect(await applyCountingConsumer(database.db, [event])).toBe(1);
    expect(await applyCountingConsumer(database.db, [event, event])).toBe(0);
    expect(await countedOrders(database.db)).toBe(counted + 1);
  });

  it('retries a batch a consumer refused, later, and delivers it then', async () => {
    let refuse = true;
    const seen: string[] = [];
    const relay = createOutboxRelay({
      db: database.db,
      outbox,
      producer: 'test',
      retryDelayMs: () => 100,
      onError: () => {},
      deliver: async (events) => {
        if (refuse) throw new Error('consumer is down');
        seen.push(...events.map((event) => event.aggregateId));
      },
    });
    const id = await placeOrder();
    await expect(relay.runOnce()).rejects.toThrow('consumer is down');
    refuse = false;
    expect(await relay.runOnce()).toBe(0); // not due again before the retry delay
    await sleep(150);
    expect(await relay.drain()).toBe(1);
    expect(seen).toEqual([id]);
  });

  it('redelivers a batch whose relay died before marking it, and the consumer applies it once', async () => {
    const id = await placeOrder();
    const counted = await countedOrders(database.db);
    // The first relay delivers, then "dies": its lease is never followed by a mark.
    const dying = createOutboxRelay({
      db: database.db,
      outbox,
      producer: 'test',
      leaseMs: 100,
      deliver: async (events) => {
        await applyCountingConsumer(database.db, events);
        throw new Error('process died');
      },
      retryDelayMs: () => 100,
    });
    await dying.runOnce().catch(() => {});
    expect(await countedOrders(database.db)).toBe(counted + 1);

    await sleep(150);
    const survivor = createOutboxRelay({ db: database.db, outbox, producer: 'test', deliver: (events) => applyCountingConsumer(database.db, events).then(() => {}) });
    expect(await survivor.drain()).toBeGreaterThanOrEqual(1);
    expect(await countedOrders(database.db)).toBe(counted + 1);
    expect(await pendingEventCount(database.db, outbox)).toBe(0);
    void id;
  });

  it.skipIf(!onPostgresServer())('never hands an event to two relays draining at once, and hands each batch over oldest first', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 40; i += 1) ids.push(await placeOrder());
    const batches: string[][] = [];
    const relay = () =>
      createOutboxRelay({
        db: database.db,
        outbox,
        producer: 'test',
        batchSize: 5,
        deliver: async (events) => {
          batches.push(events.map((event) => event.aggregateId));
          await sleep(5);
        },
      });
    await Promise.all([relay().drain(), relay().drain(), relay().drain()]);
    const delivered = batches.flat();
    expect(new Set(delivered).size).toBe(delivered.length);
    expect(delivered).toEqual(expect.arrayContaining(ids));
    for (const batch of batches) expect([...batch].sort()).toEqual(batch);
    expect(await pendingEventCount(database.db, outbox)).toBe(0);
  });

  it.skipIf(!onPostgresServer())('delivers an event whose producer was killed right after the commit', async () => {
    const orderId = newId('ord');
    const counted = await countedOrders(database.db);
    expect(await runCrashProcess('after-commit', orderId)).toBe('SIGKILL');

    const relay = createOutboxRelay({ db: database.db, outbox, producer: 'test', deliver: (events) => applyCountingConsumer(database.db, events).then(() => {}) });
    expect(await relay.drain()).toBe(1);
    expect(await countedOrders(database.db)).toBe(counted + 1);
  });

  it.skipIf(!onPostgresServer())('redelivers after a relay process is killed between delivery and mark, applying once', async () => {
    await placeOrder();
    const counted = await countedOrders(database.db);
    expect(await runCrashProcess('after-delivery')).toBe('SIGKILL');
    expect(await countedOrders(database.db)).toBe(counted + 1);
    expect(await pendingEventCount(database.db, outbox)).toBe(1);

    await sleep(300); // the dead relay's lease runs out
    const relay = createOutboxRelay({ db: database.db, outbox, producer: 'test', deliver: (events) => applyCountingConsumer(database.db, events).then(() => {}) });
    expect(await relay.drain()).toBe(1);
    expect(await countedOrders(database.db)).toBe(counted + 1);
    expect(await pendingEventCount(database.db, outbox)).toBe(0);
  });

  it.skipIf(!onPostgresServer())('never gives one event to two relays polling at the same time', async () => {
    for (let i = 0; i < 30; i += 1) await placeOrder();
    const seen: string[] = [];
    const relays = Array.from({ length: 4 }, () =>
      createOutboxRelay({ db: database.db, outbox, producer: 'test', batchSize: 5, deliver: async (events) => void seen.push(...events.map((e) => e.id)) }),
    );
    await Promise.all(relays.map((relay) => relay.drain()));
    expect(seen).toHaveLength(30);
    expect(new Set(seen).size).toBe(30);
  });
});
