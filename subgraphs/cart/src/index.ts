import { runStandaloneSubgraph } from '@omni/graphql';
import { openCartDatabase } from './db/database';
import { loadCartEnv } from './env';
import { createCartEventRelay } from './events';
import { createCartSubgraph } from './server';
import { startAbandonedCartSweeper } from './services/abandoned-cart-service';
import { seedCartDemoData } from './seed';

/** Runs the cart subgraph alone, e.g. as one container of docker-compose. */
const env = loadCartEnv();
await runStandaloneSubgraph({
  name: 'cart',
  env,
  openDatabase: openCartDatabase,
  seed: seedCartDemoData,
  startBackgroundWork: (database) => {
    const relay = createCartEventRelay({ client: database.client, signingSecret: env.signingSecret, customerUrl: env.customerUrl });
    relay.start();
    return [() => relay.stop(), startAbandonedCartSweeper(database.db, { idleMinutes: env.abandonedAfterMinutes })];
  },
  createServer: (database) =>
    createCartSubgraph({ database, signingSecret: env.signingSecret, catalogUrl: env.catalogUrl, customerUrl: env.customerUrl, promotionsUrl: env.promotionsUrl, abandonedAfterMinutes: env.abandonedAfterMinutes }),
});
