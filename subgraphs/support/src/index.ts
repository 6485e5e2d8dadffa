import { runStandaloneSubgraph } from '@omni/graphql';
import { openSupportDatabase } from './db/database';
import { loadSupportEnv } from './env';
import { createSupportEventRelay } from './events';
import { createOutboundWorker } from './outbound/outbound-worker';
import { createProviderAdapters } from './outbound/provider-adapters';
import { createSupportSubgraph } from './server';
import { seedSupportDemoData } from './seed';

/** Runs the support subgraph alone, e.g. as one container of docker-compose. */
const env = loadSupportEnv();
await runStandaloneSubgraph({
  name: 'support',
  env,
  openDatabase: openSupportDatabase,
  seed: seedSupportDemoData,
  startBackgroundWork: (database) => {
    const relay = createSupportEventRelay({ client: database.client, signingSecret: env.signingSecret, customerUrl: env.customerUrl });
    relay.start();
    return [() => relay.stop()];
  },
  createServer: (database) => createSupportSubgraph({ database, signingSecret: env.signingSecret, customerUrl: env.customerUrl }),
});
