import { createEventBus } from '@omni/events';
import { runStandaloneSubgraph } from '@omni/graphql';
import { openSupportDatabase } from './db/database';
import { loadSupportEnv } from './env';
import { createSupportEventRelay, startSupportEventConsumer } from './events';
import { createOutboundWorker } from './outbound/outbound-worker';
import { createProviderAdapters } from './outbound/provider-adapters';
import { createSupportSubgraph } from './server';
import { seedSupportDemoData } from './seed';

/** Runs the support subgraph alone, e.g. as one container of docker-compose. */
const env = loadSupportEnv();
// Connected before serving: an event bus that cannot be reached is a start-up error, never a silent fallback.
const eventBus = await createEventBus({ ...env.eventBus, name: 'support' });
await runStandaloneSubgraph({
  name: 'support',
  env,
  openDatabase: openSupportDatabase,
  seed: seedSupportDemoData,
  startBackgroundWork: (database) => {
    const relay = createSupportEventRelay({ client: database.client, signingSecret: env.signingSecret, customerUrl: env.customerUrl, eventBus });
    relay.start();
    const consumer = eventBus.jetstream ? startSupportEventConsumer(eventBus.jetstream, { db: database.db }) : null;
    return [
      async () => {
        await relay.stop();
        await (await consumer)?.stop();
        await eventBus.close();
      },
    ];
  },
  createServer: (database) => createSupportSubgraph({ database, signingSecret: env.signingSecret, customerUrl: env.customerUrl }),
});
