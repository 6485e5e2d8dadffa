import { runStandaloneSubgraph } from '@omni/graphql';
import { openPromotionsDatabase } from './db/database';
import { loadPromotionsEnv } from './env';
import { createPromotionsSubgraph } from './server';
import { seedPromotionsDemoData } from './seed';

/** Runs the promotions subgraph alone, e.g. as one container of docker-compose. */
const env = loadPromotionsEnv();
await runStandaloneSubgraph({
  name: 'promotions',
  env,
  openDatabase: openPromotionsDatabase,
  seed: seedPromotionsDemoData,
  createServer: (database) => createPromotionsSubgraph({ database, signingSecret: env.signingSecret, catalogUrl: env.catalogUrl, customerUrl: env.customerUrl }),
});
