import { mkdirSync } from 'node:fs';
import { openPglite, openPostgres, type DatabaseClient } from '@omni/db';
import type { AllInOneEnv } from './env';

/** The server at DATABASE_URL, or embedded Postgres kept in a folder between runs. */
export async function openClient(env: AllInOneEnv): Promise<DatabaseClient> {
  // Every service of the process shares this one pool, so it reports under the process's name.
  if (env.databaseUrl) return openPostgres(env.databaseUrl, { maxConnections: 20, service: 'omnigraph' });
  mkdirSync(env.pgliteDir, { recursive: true });
  return openPglite(env.pgliteDir, { service: 'omnigraph' });
}
