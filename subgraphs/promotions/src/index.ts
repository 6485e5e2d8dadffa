import { openPglite, openPostgres } from '@omni/db';
import { loadPromotionsEnv } from './env';
import { openPromotionsDatabase } from './db/database';
import { createPromotionsSubgraph } from './server';
import { seedPromotionsDemoData } from './seed';

/** Runs the promotions subgraph alone, e.g. as one container of docker-compose. */
const env = loadPromotionsEnv();
const client = env.databaseUrl ? openPostgres(env.databaseUrl, { maxConnections: env.poolSize }) : await openPglite(env.pgliteDir);
const database = await openPromotionsDatabase(client, { logSql: env.logSql });
if (env.seedDemoData) await seedPromotionsDemoData(database.db);
const running = await createPromotionsSubgraph({ database, signingSecret: env.signingSecret }).listen(env.port, env.host);
console.log(`promotions subgraph ready at ${running.url}`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, async () => {
    await running.stop();
    await client.close();
    process.exit(0);
  });
}
