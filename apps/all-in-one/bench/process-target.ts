import { createCartEventRelay } from '@omni/subgraph-cart';
import { createCustomerEventRelay } from '@omni/subgraph-customer';
import { createSupportEventRelay } from '@omni/subgraph-support';
import { createTestDatabase, onPostgresServer, TEST_SIGNING_SECRET, TEST_TOKEN_SECRET } from '@omni/testing';
import { openDatabases } from '../src/start-supergraph';
import { benchEdgeEnv, benchRateLimitEnv, type BenchEdge, type BenchRateLimits } from './bench-rate-limits';
import { startProcessSupergraph } from './process-supergraph';
import type { BenchTarget } from './target';

/** Requests a run left in flight when its clock ran out finish well within this. */
const IN_FLIGHT_GRACE_MS = 250;
const EVENTS_TIMEOUT_MS = 10_000;

export class NeedsPostgresError extends Error {
  override name = 'NeedsPostgresError';
}

/**
 * The supergraph as six processes on a fresh database of the server at DATABASE_URL. The bench
 * migrates and seeds it once; the services then find their schemas ready. Ctrl-C or SIGTERM
 * stops the services and drops the database before the bench exits.
 */
export async function startProcessTarget(rateLimits: BenchRateLimits, edge: BenchEdge = 'on', workers = '1'): Promise<BenchTarget> {
  if (!onPostgresServer()) {
    throw new NeedsPostgresError(
      '--processes needs DATABASE_URL pointing at a Postgres server: the embedded PGlite database lives inside one process and cannot be shared by six.',
    );
  }
  // Undone in reverse order, whether the bench ends, fails or is interrupted half-way through starting.
  const cleanups: (() => Promise<void>)[] = [];
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
      for (const cleanup of cleanups.reverse()) {
        await cleanup().catch((error: unknown) => console.error('cleanup failed:', error));
      }
    })());
  // Without a handler the bench would die at once and leave the database behind. A second
  // Ctrl-C (the handler is gone by then) ends it at once; the services still stop on their own.
  const onSignal = (signal: NodeJS.Signals) => {
    console.error(`\n${signal}: stopping the services and dropping the bench database…`);
    void stop().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal).once('SIGTERM', onSignal);

  try {
    // The bench's own pool: seeding, a generated catalog and the outbox checks of settle().
    const database = await createTestDatabase({ maxConnections: 5 });
    cleanups.push(() => database.drop());
    if (database.client.kind !== 'postgres') throw new NeedsPostgresError('--processes needs a Postgres server');
    const databases = await openDatabases({ databases: database.client, seedDemoData: true });
    const supergraph = await startProcessSupergraph({
      databaseUrl: database.client.url,
      signingSecret: TEST_SIGNING_SECRET,
      tokenSecret: TEST_TOKEN_SECRET,
      gatewayEnv: benchRateLimitEnv(edge === 'off' ? 'off' : rateLimits),
      env: { ...benchEdgeEnv(edge), WORKERS: workers },
      edgeOff: edge === 'off',
    });
    cleanups.push(() => supergraph.stop());

    // Never started: the services run their own relays; these only count what is undelivered.
    const relayOptions = { signingSecret: TEST_SIGNING_SECRET, customerUrl: supergraph.subgraphUrls.customer };
    const outboxes = [
      createCartEventRelay({ client: databases.cart.client, ...relayOptions }),
      createSupportEventRelay({ client: databases.support.client, ...relayOptions }),
      createCustomerEventRelay({
        client: databases.customer.client,
        signingSecret: TEST_SIGNING_SECRET,
        cartUrl: supergraph.subgraphUrls.cart,
        supportUrl: supergraph.subgraphUrls.support,
        promotionsUrl: supergraph.subgraphUrls.promotions,
      }),
    ];
    const undelivered = async () => (await Promise.all(outboxes.map((outbox) => outbox.pending()))).reduce((sum, count) => sum + count, 0);

    return {
      gatewayUrl: supergraph.gatewayUrl,
      databases,
      description: `database: ${database.kind}, 6 services × WORKERS=${workers}, edge ${edge === 'off' ? 'off (no request ids, logs, metrics, rate limits)' : 'on (JSON logs at info, metrics, request ids)'}`,
      // Statements are counted inside each service's process, out of the bench's reach.
      totalStatements: undefined,
      cpuMs: () => supergraph.cpuMs(),
      async settle() {
        await sleep(IN_FLIGHT_GRACE_MS);
        const deadline = Date.now() + EVENTS_TIMEOUT_MS;
        let pending = await undelivered();
        while (pending > 0 && Date.now() < deadline) {
          await sleep(50);
          pending = await undelivered();
        }
        if (pending > 0) console.error(`settle: ${pending} domain events still undelivered after ${EVENTS_TIMEOUT_MS} ms; measuring anyway`);
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
