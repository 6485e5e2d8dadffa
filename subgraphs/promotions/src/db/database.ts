import { fileURLToPath } from 'node:url';
import { createDatabase, runMigrations, type Database, type DatabaseClient, type Db } from '@omni/db';
import { tables } from './schema';

export type PromotionsDb = Db<typeof tables>;
export type PromotionsDatabase = Database<typeof tables>;

export const PROMOTIONS_SCHEMA = 'promotions';
const migrationsFolder = fileURLToPath(new URL('../../drizzle', import.meta.url));

export async function openPromotionsDatabase(client: DatabaseClient, options: { logSql?: boolean } = {}): Promise<PromotionsDatabase> {
  await runMigrations(client, { schema: PROMOTIONS_SCHEMA, migrationsFolder });
  return createDatabase(client, tables, options);
}
