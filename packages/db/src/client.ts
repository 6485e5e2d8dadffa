import { PGlite } from '@electric-sql/pglite';
import postgres from 'postgres';

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
}

export function openPostgres(url: string, options: PostgresOptions = {}): DatabaseClient {
  const sql = postgres(url, {
    max: options.maxConnections ?? 10,
    // Notices (e.g. "schema already exists, skipping") are noise at startup.
    onnotice: () => {},
  });
  return { kind: 'postgres', sql, url, close: () => sql.end({ timeout: 5 }) };
}

/** `dataDir` undefined keeps the database in memory, which is what tests use. */
export async function openPglite(dataDir?: string): Promise<DatabaseClient> {
  const pglite = dataDir ? new PGlite(dataDir) : new PGlite();
  await pglite.waitReady;
  return { kind: 'pglite', pglite, close: () => pglite.close() };
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
