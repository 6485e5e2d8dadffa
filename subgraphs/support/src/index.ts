import { runStandaloneSubgraph } from '@omni/graphql';
import { openSupportDatabase } from './db/database';
import { loadSupportEnv } from './env';
import { createSupportEventRelay } from './events';
import { createSupportSubgraph } from './server';
import { seedSupportDemoData } from './seed';

/** Runs the support subgraph alone, e.g. as one container of docker-compose. */
const env = loadSupportEnv();
await runStandaloneSubgraph({
  name: 'support',
  env,
  openDatabase: openSupportDatabase,
  seed: seedSupportDemoData,
  createServer: (database) => {
    // The relay needs no graceful stop: a batch it was delivering when the process ends is
    // delivered again by the next relay, and consumers apply it once.
    createSupportEventRelay({ client: database.client, signingSecret: env.signingSecret, customerUrl: env.customerUrl }).start();
    return createSupportSubgraph({ database, signingSecret: env.signingSecret, customerUrl: env.customerUrl });
  },
});
