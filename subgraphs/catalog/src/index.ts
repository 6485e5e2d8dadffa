import { openPglite, openPostgres } from '@omni/db';
import { loadCatalogEnv } from './env';
import { openCatalogDatabase } from './db/database';
import { createCatalogSubgraph } from './server';
import { seedCatalogDemoData } from './seed';

/** Runs the catalog subgraph alone, e.g. as one container of docker-compose. */
const env = loadCatalogEnv();
const client = env.databaseUrl ? openPostgres(env.databaseUrl, { maxConnections: env.poolSize }) : await openPglite(env.pgliteDir);
const database = await openCatalogDatabase(client, { logSql: env.logSql });
if (env.seedDemoData) await seedCatalogDemoData(database.db);
const running = await createCatalogSubgraph({ database, signingSecret: env.signingSecret }).listen(env.port, env.host);
console.log(`catalog subgraph ready at ${running.url}`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, async () => {
    await running.stop();
    await client.close();
    process.exit(0);
  });
}
