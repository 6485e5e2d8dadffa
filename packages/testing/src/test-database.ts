import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { openPglite, openPostgres, type DatabaseClient } from '@omni/db';
import { testEnv } from './env';

export interface TestDatabase {
  client: DatabaseClient;
  kind: 'pglite' | 'postgres';
  /** Closes connections and removes the database; safe to call once per test file. */
  drop(): Promise<void>;
}

/**
 * A database nobody else uses: an in-memory PGlite, or with DATABASE_URL a freshly created
 * database on that server (the server keeps what earlier runs left, so never reuse one).
 */
export async function createTestDatabase(options: { maxConnections?: number; service?: string } = {}): Promise<TestDatabase> {
  if (!testEnv.databaseUrl) {
    const client = await openPglite(undefined, { service: options.service });
    return { client, kind: 'pglite', drop: () => client.close() };
  }
  const name = `omni_test_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const admin = postgres(testEnv.databaseUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  const url = new URL(testEnv.databaseUrl);
  url.pathname = `/${name}`;
  const client = openPostgres(url.toString(), { maxConnections: options.maxConnections ?? 20, service: options.service });
  return {
    client,
    kind: 'postgres',
    async drop() {
      await client.close();
      await admin.unsafe(`drop database if exists "${name}" with (force)`);
      await admin.end({ timeout: 5 });
    },
  };
}

export const onPostgresServer = (): boolean => Boolean(testEnv.databaseUrl);
