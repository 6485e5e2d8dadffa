import type { SubgraphEnv } from '@omni/config';
import { openPglite, openPostgres, pingDatabase, type DatabaseClient } from '@omni/db';
import type { SubgraphServer } from './subgraph-server';

export interface StandaloneSubgraph<TDatabase extends { db: unknown }> {
  name: string;
  env: SubgraphEnv;
  openDatabase(client: DatabaseClient, options: { logSql: boolean }): Promise<TDatabase>;
  seed(db: TDatabase['db']): Promise<void>;
  createServer(database: TDatabase): SubgraphServer;
}

/**
 * Runs one subgraph as its own process (a container of docker-compose, a replica behind a load
 * balancer): its database from the environment, migrations, optional demo data, graceful stop.
 */
export async function runStandaloneSubgraph<TDatabase extends { db: unknown }>(subgraph: StandaloneSubgraph<TDatabase>): Promise<void> {
  const { env } = subgraph;
  const client = env.databaseUrl
    ? openPostgres(env.databaseUrl, { maxConnections: env.poolSize })
    : await openPglite(env.pgliteDir);
  const database = await subgraph.openDatabase(client, { logSql: env.logSql });
  if (env.seedDemoData) await subgraph.seed(database.db);
  const running = await subgraph.createServer(database).listen(env.port, env.host, { readiness: { database: () => pingDatabase(client) } });
  console.log(`${subgraph.name} subgraph ready at ${running.url}`);

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, async () => {
      await running.stop();
      await client.close();
      process.exit(0);
    });
  }
}
