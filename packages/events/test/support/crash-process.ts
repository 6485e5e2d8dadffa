import { openPostgres } from '@omni/db';
import { publishEvent } from '../../src/outbox';
import { createOutboxRelay } from '../../src/relay';
import { applyCountingConsumer } from './counting-consumer';
import { openEventTestDatabase, orders, outbox } from './event-tables';

/**
 * A process that dies at the worst moment, with SIGKILL (no finally blocks, no graceful close):
 * `after-commit` right after committing a change with its event, before any relay ran;
 * `after-delivery` after a relay delivered a batch but before it marked the batch delivered.
 */
const [url, mode, orderId] = process.argv.slice(2);
const client = openPostgres(url!, { maxConnections: 2 });
const { db } = await openEventTestDatabase(client, false);

if (mode === 'after-commit') {
  await db.transaction(async (tx) => {
    await tx.insert(orders).values({ id: orderId! });
    await publishEvent(tx, outbox, { type: 'order.placed', aggregateId: orderId!, payload: { orderId } });
  });
  process.kill(process.pid, 'SIGKILL');
}

if (mode === 'after-delivery') {
  const relay = createOutboxRelay({
    db,
    outbox,
    producer: 'test',
    leaseMs: 200,
    deliver: async (events) => {
      await applyCountingConsumer(db, events);
      process.kill(process.pid, 'SIGKILL');
    },
  });
  await relay.runOnce();
}
