import { openPglite, openPostgres } from '@omni/db';
import { loadCartEnv } from './env';
import { openCartDatabase } from './db/database';
import { createCartSubgraph } from './server';
import { seedCartDemoData } from './seed';

/** Runs the cart subgraph alone, e.g. as one container of docker-compose. */
const env = loadCartEnv();
const client = env.databaseUrl ? openPostgres(env.databaseUrl, { maxConnections: env.poolSize }) : await openPglite(env.pgliteDir);
const database = await openCartDatabase(client, { logSql: env.logSql });
if (env.seedDemoData) await seedCartDemoData(database.db);
const running = await createCartSubgraph({ database, signingSecret: env.signingSecret, catalogUrl: env.catalogUrl }).listen(env.port, env.host);
console.log(`cart subgraph ready at ${running.url}`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, async () => {
    await running.stop();
    await client.close();
    process.exit(0);
  });
}
