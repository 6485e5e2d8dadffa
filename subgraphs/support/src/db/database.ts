import { fileURLToPath } from 'node:url';
import { createDatabase, runMigrations, type Database, type DatabaseClient, type Db } from '@omni/db';
import { tables } from './schema';

export type SupportDb = Db<typeof tables>;
export type SupportDatabase = Database<typeof tables>;

export const SUPPORT_SCHEMA = 'support';
const migrationsFolder = fileURLToPath(new URL('../../drizzle', import.meta.url));

export async function openSupportDatabase(client: DatabaseClient, options: { logSql?: boolean } = {}): Promise<SupportDatabase> {
  await runMigrations(client, { schema: SUPPORT_SCHEMA, migrationsFolder });
  return createDatabase(client, tables, options);
}
