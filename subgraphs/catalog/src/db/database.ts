import { fileURLToPath } from 'node:url';
import { createDatabase, runMigrations, type Database, type DatabaseClient, type Db } from '@omni/db';
import { withOutboxWakeUps } from '@omni/events';
import { tables } from './schema';

export type CatalogDb = Db<typeof tables>;
export type CatalogDatabase = Database<typeof tables>;

export const CATALOG_SCHEMA = 'catalog';
const migrationsFolder = fileURLToPath(new URL('../../drizzle', import.meta.url));

export async function openCatalogDatabase(client: DatabaseClient, options: { logSql?: boolean } = {}): Promise<CatalogDatabase> {
  await runMigrations(client, { schema: CATALOG_SCHEMA, migrationsFolder });
  // Commits that wrote to the outbox wake its relay, so live listeners hear of them at once.
  return withOutboxWakeUps(createDatabase(client, tables, options));
}
