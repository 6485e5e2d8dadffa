import { loadAllInOneEnv } from './env';
import { openClient } from './open-client';
import { openDatabases } from './start-supergraph';

/** npm run seed: applies migrations and loads the demo data (again: existing rows are kept). */
const env = loadAllInOneEnv();
const client = await openClient(env);
await openDatabases({ databases: client, seedDemoData: true });
await client.close();
console.log(`demo data loaded into ${env.databaseUrl ? 'the Postgres server' : env.pgliteDir}`);
