import { runStandaloneSubgraph } from '@omni/graphql';
import { openCustomerDatabase } from './db/database';
import { loadCustomerEnv } from './env';
import { createCustomerSubgraph } from './server';
import { seedCustomerDemoData } from './seed';

/** Runs the customer subgraph alone, e.g. as one container of docker-compose. */
const env = loadCustomerEnv();
await runStandaloneSubgraph({
  name: 'customer',
  env,
  openDatabase: openCustomerDatabase,
  seed: seedCustomerDemoData,
  createServer: (database) => createCustomerSubgraph({ database, signingSecret: env.signingSecret, siblingUrls: env.siblingUrls, tokenSecret: env.tokenSecret }),
});
