import { runStandaloneSubgraph } from '@omni/graphql';
import { openSupportDatabase } from './db/database';
import { loadSupportEnv } from './env';
import { createSupportSubgraph } from './server';
import { seedSupportDemoData } from './seed';

/** Runs the support subgraph alone, e.g. as one container of docker-compose. */
const env = loadSupportEnv();
await runStandaloneSubgraph({
  name: 'support',
  env,
  openDatabase: openSupportDatabase,
  seed: seedSupportDemoData,
  createServer: (database) => createSupportSubgraph({ database, signingSecret: env.signingSecret }),
});
