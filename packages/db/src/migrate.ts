import { sql } from 'drizzle-orm';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import type { DatabaseClient } from './client';

export interface MigrationTarget {
  /** The Postgres schema the service owns; its migration journal lives there too. */
  schema: string;
  /** Folder with the committed drizzle-kit SQL migrations and `meta/_journal.json`. */
  migrationsFolder: string;
}

/**
 * Applies the committed migrations of one service. Services and their replicas may start at the
 * same time against one server, and all of them create the shared `drizzle` journal schema, so
 * every run holds one advisory lock.
 */
export async function runMigrations(client: DatabaseClient, target: MigrationTarget): Promise<void> {
  const config = {
    migrationsFolder: target.migrationsFolder,
    // Not the service's own schema: its first migration creates that schema.
    migrationsSchema: 'drizzle',
    migrationsTable: `${target.schema}_migrations`,
  };
  if (client.kind === 'pglite') {
    // A single embedded connection cannot race with itself.
    await migratePglite(drizzlePglite(client.pglite), config);
    return;
  }
  const lockKey = 'omnigraph:migrations';
  // A one-connection client, so the session lock and the migrator's transaction share a connection.
  const single = postgres(client.url, { max: 1, onnotice: () => {} });
  try {
    await single`select pg_advisory_lock(hashtext(${lockKey}))`;
    await migratePostgres(drizzlePostgres(single), config);
  } finally {
    // Ending the session releases the advisory lock.
    await single.end({ timeout: 5 });
  }
}

/** True when the schema has no rows in the given table: used to seed a fresh database once. */
export async function isTableEmpty(client: DatabaseClient, qualifiedTable: string): Promise<boolean> {
  const query = `select not exists (select 1 from ${qualifiedTable}) as empty`;
  if (client.kind === 'pglite') {
    const result = await client.pglite.query<{ empty: boolean }>(query);
    return result.rows[0]?.empty ?? true;
  }
  const rows = await client.sql.unsafe<{ empty: boolean }[]>(query);
  return rows[0]?.empty ?? true;
}

export { sql };
