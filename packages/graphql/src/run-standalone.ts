import type { SubgraphEnv } from '@omni/config';
import { openPglite, openPostgres, pingDatabase, type DatabaseClient } from '@omni/db';
import { logger, startObservability } from '@omni/observability';
import { isFirstWorker, runInWorkers } from './cluster';
import { stopOnTerminationSignals } from './graceful-shutdown';
import type { SubgraphServer } from './subgraph-server';

export interface StandaloneSubgraph<TDatabase extends { db: unknown }> {
  name: string;
  env: SubgraphEnv;
  openDatabase(client: DatabaseClient, options: { logSql: boolean }): Promise<TDatabase>;
  seed(db: TDatabase['db']): Promise<void>;
  createServer(database: TDatabase): SubgraphServer;
  /**
   * Outbox relays and sweepers that run beside the server; each returns how to stop it, so no
   * query of theirs is still running when the pool closes.
   */
  startBackgroundWork?(database: TDatabase): (() => unknown)[];
}

/**
 * Runs one subgraph as its own process (a container of docker-compose, a replica behind a load
 * balancer): its database from the environment, migrations, optional demo data, graceful stop.
 * With WORKERS above 1, as that many processes on one port (see cluster.ts); each worker keeps
 * its own pool of DATABASE_POOL_SIZE connections.
 */
export async function runStandaloneSubgraph<TDatabase extends { db: unknown }>(subgraph: StandaloneSubgraph<TDatabase>): Promise<void> {
  await runInWorkers({ service: subgraph.name, workers: subgraph.env.workers }, () => runSubgraphProcess(subgraph));
}

async function runSubgraphProcess<TDatabase extends { db: unknown }>(subgraph: StandaloneSubgraph<TDatabase>): Promise<void> {
  const { env } = subgraph;
  // First, so that the database driver's statements are traced when tracing is on.
  await startObservability(env.observability);
  const client = env.databaseUrl
    ? openPostgres(env.databaseUrl, { maxConnections: env.poolSize, service: subgraph.name })
    : await openPglite(env.pgliteDir, { service: subgraph.name });
  const database = await subgraph.openDatabase(client, { logSql: env.logSql });
  // Migrations wait on each other (an advisory lock); demo data is loaded by one worker only.
  if (env.seedDemoData && isFirstWorker()) await subgraph.seed(database.db);
  const running = await subgraph.createServer(database).listen(env.port, env.host, {
    readiness: { database: () => pingDatabase(client) },
    acceptUnboundCallerHeaders: env.acceptUnboundCallerHeaders,
  });
  const stopBackgroundWork = subgraph.startBackgroundWork?.(database) ?? [];
  logger.info({ service: subgraph.name, url: running.url }, `${subgraph.name} subgraph ready`);

  stopOnTerminationSignals(async () => {
    await Promise.all([running.stop(), ...stopBackgroundWork.map(async (stop) => stop())]);
    await client.close();
  });
}
