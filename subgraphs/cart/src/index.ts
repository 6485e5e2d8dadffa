import { createEventBus } from '@omni/events';
import { runStandaloneSubgraph } from '@omni/graphql';
import { openCartDatabase } from './db/database';
import { loadCartEnv } from './env';
import { createCartEventRelay, startCartEventConsumer } from './events';
import { createCartSubgraph } from './server';
import { startAbandonedCartSweeper } from './services/abandoned-cart-service';
import { seedCartDemoData } from './seed';

/** Runs the cart subgraph alone, e.g. as one container of docker-compose. */
const env = loadCartEnv();
// Connected before serving: an event bus that cannot be reached is a start-up error, never a silent fallback.
const eventBus = await createEventBus({ ...env.eventBus, name: 'cart' });
await runStandaloneSubgraph({
  name: 'cart',
  env,
  openDatabase: openCartDatabase,
  seed: seedCartDemoData,
  startBackgroundWork: (database) => {
    const relay = createCartEventRelay({ client: database.client, signingSecret: env.signingSecret, customerUrl: env.customerUrl, eventBus });
    relay.start();
    const consumer = eventBus.jetstream ? startCartEventConsumer(eventBus.jetstream, { db: database.db, signingSecret: env.signingSecret, catalogUrl: env.catalogUrl }) : null;
    const stopEvents = async () => {
      await relay.stop();
      await (await consumer)?.stop();
      await eventBus.close();
    };
    return [stopEvents, startAbandonedCartSweeper(database.db, { idleMinutes: env.abandonedAfterMinutes })];
  },
  createServer: (database) =>
    createCartSubgraph({ database, signingSecret: env.signingSecret, catalogUrl: env.catalogUrl, customerUrl: env.customerUrl, promotionsUrl: env.promotionsUrl, abandonedAfterMinutes: env.abandonedAfterMinutes }),
});
