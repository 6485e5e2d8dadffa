import { fileURLToPath } from 'node:url';
import { createDatabase, runMigrations, type Database, type DatabaseClient, type Db } from '@omni/db';
import { withOutboxWakeUps } from '@omni/events';
import { tables } from './schema';

export type SupportDb = Db<typeof tables>;
export type SupportDatabase = Database<typeof tables>;

export const SUPPORT_SCHEMA = 'support';
const migrationsFolder = fileURLToPath(new URL('../../drizzle', import.meta.url));

export async function openSupportDatabase(client: DatabaseClient, options: { logSql?: boolean } = {}): Promise<SupportDatabase> {
  await runMigrations(client, { schema: SUPPORT_SCHEMA, migrationsFolder });
  // Commits that wrote to the outbox wake its relay, so live listeners hear of them at once.
  return withOutboxWakeUps(createDatabase(client, tables, options));
}
