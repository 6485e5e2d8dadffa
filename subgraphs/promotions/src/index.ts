import { createEventBus } from '@omni/events';
import { runStandaloneSubgraph } from '@omni/graphql';
import { openPromotionsDatabase } from './db/database';
import { loadPromotionsEnv } from './env';
import { startPromotionEventConsumer } from './events';
import { createPromotionsSubgraph } from './server';
import { seedPromotionsDemoData } from './seed';

/** Runs the promotions subgraph alone, e.g. as one container of docker-compose. */
const env = loadPromotionsEnv();
// Connected before serving: an event bus that cannot be reached is a start-up error, never a silent fallback.
const eventBus = await createEventBus({ ...env.eventBus, name: 'promotions' });
await runStandaloneSubgraph({
  name: 'promotions',
  env,
  openDatabase: openPromotionsDatabase,
  seed: seedPromotionsDemoData,
  // Promotions has no outbox; it only consumes, and only from JetStream (otherwise the customer relay calls it).
  startBackgroundWork: (database) => {
    const consumer = eventBus.jetstream ? startPromotionEventConsumer(eventBus.jetstream, { db: database.db }) : null;
    return [
      async () => {
        await (await consumer)?.stop();
        await eventBus.close();
      },
    ];
  },
  createServer: (database) => createPromotionsSubgraph({ database, signingSecret: env.signingSecret, catalogUrl: env.catalogUrl, customerUrl: env.customerUrl }),
});
