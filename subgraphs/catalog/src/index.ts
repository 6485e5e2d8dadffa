import { runStandaloneSubgraph } from '@omni/graphql';
import { openCatalogDatabase } from './db/database';
import { loadCatalogEnv } from './env';
import { createCatalogSubgraph } from './server';
import { seedCatalogDemoData } from './seed';
import { startReservationSweeper } from './services/reservation-service';

/** Runs the catalog subgraph alone, e.g. as one container of docker-compose. */
const env = loadCatalogEnv();
await runStandaloneSubgraph({
  name: 'catalog',
  env,
  openDatabase: openCatalogDatabase,
  seed: seedCatalogDemoData,
  startBackgroundWork: (database) => [startReservationSweeper(database.db)],
  createServer: (database) => createCatalogSubgraph({ database, signingSecret: env.signingSecret }),
});
