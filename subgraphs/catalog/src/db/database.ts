import { fileURLToPath } from 'node:url';
import { createDatabase, runMigrations, type Database, type DatabaseClient, type Db } from '@omni/db';
import { tables } from './schema';

export type CatalogDb = Db<typeof tables>;
export type CatalogDatabase = Database<typeof tables>;

export const CATALOG_SCHEMA = 'catalog';
const migrationsFolder = fileURLToPath(new URL('../../drizzle', import.meta.url));

export async function openCatalogDatabase(client: DatabaseClient, options: { logSql?: boolean } = {}): Promise<CatalogDatabase> {
  await runMigrations(client, { schema: CATALOG_SCHEMA, migrationsFolder });
  return createDatabase(client, tables, options);
}
