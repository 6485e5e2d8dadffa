import { runStandaloneSubgraph } from '@omni/graphql';
import { openCartDatabase } from './db/database';
import { loadCartEnv } from './env';
import { createCartSubgraph } from './server';
import { seedCartDemoData } from './seed';

/** Runs the cart subgraph alone, e.g. as one container of docker-compose. */
const env = loadCartEnv();
await runStandaloneSubgraph({
  name: 'cart',
  env,
  openDatabase: openCartDatabase,
  seed: seedCartDemoData,
  createServer: (database) => createCartSubgraph({ database, signingSecret: env.signingSecret, catalogUrl: env.catalogUrl }),
});
