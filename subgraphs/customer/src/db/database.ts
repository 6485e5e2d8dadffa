import { fileURLToPath } from 'node:url';
import { createDatabase, runMigrations, type Database, type DatabaseClient, type Db } from '@omni/db';
import { withOutboxWakeUps } from '@omni/events';
import { tables } from './schema';

export type CustomerDb = Db<typeof tables>;
export type CustomerDatabase = Database<typeof tables>;

export const CUSTOMER_SCHEMA = 'customer';
const migrationsFolder = fileURLToPath(new URL('../../drizzle', import.meta.url));

export async function openCustomerDatabase(client: DatabaseClient, options: { logSql?: boolean } = {}): Promise<CustomerDatabase> {
  await runMigrations(client, { schema: CUSTOMER_SCHEMA, migrationsFolder });
  // Commits that wrote to the outbox wake its relay, so live listeners hear of them at once.
  return withOutboxWakeUps(createDatabase(client, tables, options));
}
