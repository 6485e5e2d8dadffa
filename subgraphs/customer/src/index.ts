import { openPglite, openPostgres } from '@omni/db';
import { loadCustomerEnv } from './env';
import { openCustomerDatabase } from './db/database';
import { createCustomerSubgraph } from './server';
import { seedCustomerDemoData } from './seed';

/** Runs the customer subgraph alone, e.g. as one container of docker-compose. */
const env = loadCustomerEnv();
const client = env.databaseUrl ? openPostgres(env.databaseUrl, { maxConnections: env.poolSize }) : await openPglite(env.pgliteDir);
const database = await openCustomerDatabase(client, { logSql: env.logSql });
if (env.seedDemoData) await seedCustomerDemoData(database.db);
const running = await createCustomerSubgraph({ database, signingSecret: env.signingSecret }).listen(env.port, env.host);
console.log(`customer subgraph ready at ${running.url}`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, async () => {
    await running.stop();
    await client.close();
    process.exit(0);
  });
}
