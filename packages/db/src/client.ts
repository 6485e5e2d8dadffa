import { PGlite } from '@electric-sql/pglite';
import postgres from 'postgres';
import { observePoolUsage, type PoolConnectionState } from '@omni/observability';

/**
 * A connection to Postgres: either embedded PGlite (one process, one connection, data in a
 * folder or in memory) or a pool on a Postgres server. Every subgraph works on both.
 */
export type DatabaseClient =
  | { kind: 'pglite'; pglite: PGlite; close(): Promise<void> }
  | { kind: 'postgres'; sql: postgres.Sql; url: string; close(): Promise<void> };

export interface PostgresOptions {
  /** Pool size per service; the server's max_connections is shared by every replica. */
  maxConnections?: number;
  /**
   * The service using the pool: its connections carry `<service>/<pid>` as application_name, so
   * an operator sees in pg_stat_activity who holds them, and `/metrics` reports this pool's use.
   */
  service?: string;
}

export function openPostgres(url: string, options: PostgresOptions = {}): DatabaseClient {
  const max = options.maxConnections ?? 10;
  const applicationName = options.service ? `${options.service}/${process.pid}`.slice(0, 63) : undefined;
  const sql = postgres(url, {
    max,
    // Notices (e.g. "schema already exists, skipping") are noise at startup.
    onnotice: () => {},
    ...(applicationName ? { connection: { application_name: applicationName } } : {}),
  });
  const stopObserving = options.service
    ? observePoolUsage({ service: options.service, maxConnections: max, connectionsByState: () => connectionsByState(sql, applicationName!) })
    : () => {};
  return {
    kind: 'postgres',
    sql,
    url,
    close: () => {
      stopObserving();
      return sql.end({ timeout: 5 });
    },
  };
}

/** This pool's connections by state; the scrape's own statement counts as one active connection. */
async function connectionsByState(sql: postgres.Sql, applicationName: string): Promise<Partial<Record<PoolConnectionState, number>>> {
  const rows = await sql<{ state: string | null; count: number }[]>`
    select state, count(*)::int as count from pg_stat_activity where application_name = ${applicationName} group by state`;
  const counts: Partial<Record<PoolConnectionState, number>> = {};
  for (const { state, count } of rows) {
    const key: PoolConnectionState = state === 'active' || state === 'idle' ? state : state === 'idle in transaction' ? 'idle_in_transaction' : 'other';
    counts[key] = (counts[key] ?? 0) + count;
  }
  return counts;
}

/** `dataDir` undefined keeps the database in memory, which is what tests use. */
export async function openPglite(dataDir?: string, options: { service?: string } = {}): Promise<DatabaseClient> {
  const pglite = dataDir ? new PGlite(dataDir) : new PGlite();
  await pglite.waitReady;
  // One connection, in use while a statement or transaction runs; the pool metric shows its size.
  const stopObserving = options.service
    ? observePoolUsage({ service: options.service, maxConnections: 1, connectionsByState: async () => ({}) })
    : () => {};
  return {
    kind: 'pglite',
    pglite,
    close: () => {
      stopObserving();
      return pglite.close();
    },
  };
}

/**
 * Several subgraphs share one PGlite instance when they run in one process; closing it is the
 * owner's job, so each subgraph gets a view whose close() does nothing.
 */
export function sharedView(client: DatabaseClient): DatabaseClient {
  return { ...client, close: async () => {} };
}

/** One round trip to the database, for readiness checks; throws when it cannot answer. */
export async function pingDatabase(client: DatabaseClient): Promise<void> {
  if (client.kind === 'pglite') await client.pglite.query('select 1');
  else await client.sql`select 1`;
}
