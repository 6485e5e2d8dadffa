import { createEventBus } from '@omni/events';
import { runStandaloneSubgraph } from '@omni/graphql';
import { openCatalogDatabase } from './db/database';
import { loadCatalogEnv } from './env';
import { createCatalogEventRelay } from './events';
import { createCatalogSubgraph } from './server';
import { seedCatalogDemoData } from './seed';
import { startReservationSweeper } from './services/reservation-service';

/** Runs the catalog subgraph alone, e.g. as one container of docker-compose. */
const env = loadCatalogEnv();
// Stock and product changes reach the gateways' live clients through the bus; alone, nobody would hear them.
const eventBus = await createEventBus({ ...env.eventBus, name: 'catalog' });
await runStandaloneSubgraph({
  name: 'catalog',
  env,
  openDatabase: openCatalogDatabase,
  seed: seedCatalogDemoData,
  startBackgroundWork: (database) => {
    const relay = createCatalogEventRelay({ client: database.client, liveFeed: eventBus.liveFeed });
    relay.start();
    const stopEvents = async () => {
      await relay.stop();
      await eventBus.close();
    };
    return [stopEvents, startReservationSweeper(database.db)];
  },
  createServer: (database) => createCatalogSubgraph({ database, signingSecret: env.signingSecret }),
});
