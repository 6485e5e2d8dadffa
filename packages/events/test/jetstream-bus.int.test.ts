import { randomBytes } from 'node:crypto';
import { connect, type NatsConnection } from 'nats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '@omni/db';
import { createTestDatabase, testEventBusUrl, type TestDatabase } from '@omni/testing';
import type { DomainEvent } from '../src/domain-event';
import { createJetStreamBus, type JetStreamBus } from '../src/jetstream-bus';
import { isPayloadOmitted } from '../src/live-feed-wire';
import { createNatsLiveFeed } from '../src/nats-live-feed';
import { createPostgresLiveFeed } from '../src/postgres-live-feed';
import { publishEvent } from '../src/outbox';
import { createOutboxRelay } from '../src/relay';
import { applyCountingConsumer, countedOrders } from './support/counting-consumer';
import { openEventTestDatabase, orders, outbox } from './support/event-tables';

const natsUrl = testEventBusUrl() ?? 'nats://127.0.0.1:4222';
const namespace = `t_${randomBytes(6).toString('hex')}`;

/** Two connections stand for two instances of a service; NATS cannot tell them from two processes. */
async function connectOrNull(): Promise<NatsConnection | null> {
  try {
    return await connect({ servers: natsUrl, timeout: 2_000, maxReconnectAttempts: 0 });
  } catch {
    return null;
  }
}

const first = await connectOrNull();
const second = first ? await connectOrNull() : null;
if (!first) console.warn(`JetStream bus tests skipped: no NATS server answers at ${natsUrl}`);

let testDb: TestDatabase;
let database: Awaited<ReturnType<typeof openEventTestDatabase>>;
let busA: JetStreamBus;
let busB: JetStreamBus;

beforeAll(async () => {
  testDb = await createTestDatabase({ maxConnections: 4 });
  database = await openEventTestDatabase(testDb.client, true);
  if (!first || !second) return;
  busA = await createJetStreamBus(first, namespace);
  // The second instance finds the stream the first created.
  busB = await createJetStreamBus(second, namespace);
});

afterAll(async () => {
  await busA?.destroy();
  await first?.drain();
  await second?.drain();
  await testDb?.drop();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(check: () => Promise<boolean> | boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(25);
  }
}

async function placeOrder(): Promise<string> {
  const id = newId('ord');
  await database.db.transaction(async (tx) => {
    await tx.insert(orders).values({ id });
    await publishEvent(tx, outbox, { type: 'order.placed', aggregateId: id, payload: { orderId: id } });
  });
  return id;
}

const sampleEvent = (payload: Record<string, unknown> = {}): DomainEvent => ({
  id: newId('evt'),
  type: 'cart.changed',
  producer: 'cart',
  aggregateId: newId('cart'),
  occurredAt: new Date(),
  payload,
});

describe.skipIf(!first)('JetStream delivery', () => {
  it('applies every event once across two instances sharing the durable consumer, despite republished batches and a failure', async () => {
    const before = await countedOrders(database.db);
    const seenBy = { a: 0, b: 0 };
    let failOnce = true;
    const handler = (instance: 'a' | 'b') => async (event: DomainEvent) => {
      if (failOnce) {
        failOnce = false;
        throw new Error('the database blinked');
      }
      if ((await applyCountingConsumer(database.db, [event])) > 0) seenBy[instance] += 1;
    };
    const quiet = () => {};
    const consumers = [
      await busA.consume({ consumer: 'counter', events: { shop: ['order.placed'] }, handle: handler('a'), retryDelayMs: () => 50, onError: quiet }),
      await busB.consume({ consumer: 'counter', events: { shop: ['order.placed'] }, handle: handler('b'), retryDelayMs: () => 50, onError: quiet }),
    ];
    // Two relays (one per instance) on one outbox, each publishing through its own connection.
    const relays = [busA, busB].map((bus) => createOutboxRelay({ db: database.db, outbox, producer: 'shop', deliver: bus.publisher('shop'), batchSize: 5 }));
    const placed = 40;
    for (let index = 0; index < placed; index += 1) await placeOrder();
    await Promise.all(relays.map((relay) => relay.drain()));
    // A relay that died before marking its batch delivered publishes it again: JetStream drops the copies.
    const republished = await database.db.select().from(outbox).limit(10);
    await busA.publisher('shop')(republished.map((row) => ({ id: row.id, type: row.type, producer: 'shop', aggregateId: row.aggregateId, occurredAt: row.occurredAt, payload: row.payload })));

    await until(async () => (await countedOrders(database.db)) - before === placed && (await busA.idle()));
    await sleep(300);
    expect((await countedOrders(database.db)) - before).toBe(placed);
    expect(seenBy.a + seenBy.b).toBe(placed);
    expect(failOnce).toBe(false);
    await Promise.all(consumers.map((consumer) => consumer.stop()));
  });

  it('finds its stream and consumers again at start-up instead of failing', async () => {
    const again = await createJetStreamBus(first!, namespace);
    const consumer = await again.consume({ consumer: 'counter', events: { shop: ['order.placed'] }, handle: async () => {} });
    await consumer.stop();
    expect(again.stream).toBe(busA.stream);
  });
});

describe.skipIf(!first)('NATS live feed', () => {
  it('tells every instance of every announced event', async () => {
    const feeds = [createNatsLiveFeed(first!, namespace), createNatsLiveFeed(second!, namespace)];
    const heard: DomainEvent[][] = [[], []];
    feeds.forEach((feed, index) => feed.listen((event) => heard[index]!.push(event)));
    await first!.flush();
    await second!.flush();
    const event = sampleEvent({ version: 3 });
    await feeds[0]!.announce([event]);
    await until(() => heard.every((events) => events.length === 1));
    expect(heard[1]![0]).toMatchObject({ id: event.id, type: 'cart.changed', aggregateId: event.aggregateId, payload: { version: 3 } });
    expect(heard[1]![0]!.occurredAt.getTime()).toBe(event.occurredAt.getTime());
    await Promise.all(feeds.map((feed) => feed.close()));
  });
});

describe('Postgres live feed', () => {
  it('tells every listening process, leaving out a payload too big for NOTIFY', async (context) => {
    if (testDb.client.kind !== 'postgres') {
      console.warn('Postgres live feed test skipped: LISTEN/NOTIFY needs a Postgres server (DATABASE_URL)');
      context.skip();
      return;
    }
    const feeds = [await createPostgresLiveFeed(testDb.client.url, namespace), await createPostgresLiveFeed(testDb.client.url, namespace)];
    const heard: DomainEvent[][] = [[], []];
    feeds.forEach((feed, index) => feed.listen((event) => heard[index]!.push(event)));
    const small = sampleEvent({ version: 1 });
    const big = sampleEvent({ note: 'x'.repeat(10_000) });
    await feeds[0]!.announce([small, big]);
    await until(() => heard.every((events) => events.length === 2));
    for (const events of heard) {
      expect(events.map((event) => event.id)).toEqual([small.id, big.id]);
      expect(events[0]!.payload).toEqual({ version: 1 });
      expect(isPayloadOmitted(events[0]!)).toBe(false);
      expect(events[1]!.payload).toEqual({});
      expect(isPayloadOmitted(events[1]!)).toBe(true);
    }
    await Promise.all(feeds.map((feed) => feed.close()));
  });
});
