import { callers, createTestDatabase, signedSubgraphClient, TEST_SIGNING_SECRET, type TestDatabase } from '@omni/testing';
import type { Caller } from '@omni/auth';
import type { RunningServer } from '@omni/graphql';
import { openCatalogDatabase, type CatalogDatabase } from '../src/db/database';
import { createCatalogSubgraph } from '../src/server';
import { seedCatalogDemoData } from '../src/seed';

export interface CatalogHarness {
  database: CatalogDatabase;
  server: RunningServer;
  /** A client signed by the gateway for `caller`, or by the named sibling service. */
  as(caller: Caller, issuer?: string): ReturnType<typeof signedSubgraphClient>;
  /** SQL statements the subgraph sent while `run` was in flight. */
  statementsDuring(run: () => Promise<unknown>): Promise<number>;
  stop(): Promise<void>;
}

/** A seeded catalog subgraph on its own database, served over real HTTP on an ephemeral port. */
export async function startCatalog(): Promise<CatalogHarness> {
  const testDb: TestDatabase = await createTestDatabase();
  const database = await openCatalogDatabase(testDb.client);
  await seedCatalogDemoData(database.db);
  const server = await createCatalogSubgraph({ database, signingSecret: TEST_SIGNING_SECRET }).listen(0);
  return {
    database,
    server,
    as: (caller, issuer) => signedSubgraphClient(server.url, TEST_SIGNING_SECRET, caller, issuer),
    async statementsDuring(run) {
      const before = database.statements.total;
      await run();
      return database.statements.total - before;
    },
    async stop() {
      await server.stop();
      await testDb.drop();
    },
  };
}

export { callers };
