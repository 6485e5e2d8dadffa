import { openPglite, openPostgres } from '@omni/db';
import { loadSupportEnv } from './env';
import { openSupportDatabase } from './db/database';
import { createSupportSubgraph } from './server';
import { seedSupportDemoData } from './seed';

/** Runs the support subgraph alone, e.g. as one container of docker-compose. */
const env = loadSupportEnv();
const client = env.databaseUrl ? openPostgres(env.databaseUrl, { maxConnections: env.poolSize }) : await openPglite(env.pgliteDir);
const database = await openSupportDatabase(client, { logSql: env.logSql });
if (env.seedDemoData) await seedSupportDemoData(database.db);
const running = await createSupportSubgraph({ database, signingSecret: env.signingSecret }).listen(env.port, env.host);
console.log(`support subgraph ready at ${running.url}`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, async () => {
    await running.stop();
    await client.close();
    process.exit(0);
  });
}
