import { fileURLToPath } from 'node:url';
import { createDatabase, runMigrations, type Database, type DatabaseClient, type Db } from '@omni/db';
import { tables } from './schema';

export type CustomerDb = Db<typeof tables>;
export type CustomerDatabase = Database<typeof tables>;

export const CUSTOMER_SCHEMA = 'customer';
const migrationsFolder = fileURLToPath(new URL('../../drizzle', import.meta.url));

export async function openCustomerDatabase(client: DatabaseClient, options: { logSql?: boolean } = {}): Promise<CustomerDatabase> {
  await runMigrations(client, { schema: CUSTOMER_SCHEMA, migrationsFolder });
  return createDatabase(client, tables, options);
}
