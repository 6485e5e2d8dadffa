import { fileURLToPath } from 'node:url';
import { createDatabase, runMigrations, type Database, type DatabaseClient, type Db } from '@omni/db';
import { withOutboxWakeUps } from '@omni/events';
import { tables } from './schema';

export type CartDb = Db<typeof tables>;
export type CartDatabase = Database<typeof tables>;

export const CART_SCHEMA = 'cart';
const migrationsFolder = fileURLToPath(new URL('../../drizzle', import.meta.url));

export async function openCartDatabase(client: DatabaseClient, options: { logSql?: boolean } = {}): Promise<CartDatabase> {
  await runMigrations(client, { schema: CART_SCHEMA, migrationsFolder });
  // Commits that wrote to the outbox wake its relay, so live listeners hear of them at once.
  return withOutboxWakeUps(createDatabase(client, tables, options));
}
