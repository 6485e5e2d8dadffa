import type { Caller } from '@omni/auth';
import type { RunningServer } from '@omni/graphql';
import type { CodeSender } from '../../src/clients/code-sender';
import type { ReminderSender } from '../../src/clients/reminder-sender';
import { createTestDatabase, signedSubgraphClient, TEST_SIGNING_SECRET, TEST_TOKEN_SECRET, type TestDatabase } from '@omni/testing';
import { openCustomerDatabase, type CustomerDatabase } from '../../src/db/database';
import { createCustomerSubgraph } from '../../src/server';
import { seedCustomerDemoData } from '../../src/seed';

/**
 * Cart and support are not started here: export and erasure, which ask them, are tested end to end
 * in apps/all-in-one. Nothing listens on port 9, so a call there fails loudly.
 */
export const NO_SIBLINGS = { cart: 'http://127.0.0.1:9/', support: 'http://127.0.0.1:9/' };

export interface CustomerHarness {
  testDb: TestDatabase;
  database: CustomerDatabase;
  server: RunningServer;
  as(caller: Caller): ReturnType<typeof signedSubgraphClient>;
  stop(): Promise<void>;
}

/** The customer subgraph on a fresh database with the demo people, over real HTTP. */
export async function startCustomerHarness(options: { codeSender?: CodeSender; reminderSender?: ReminderSender } = {}): Promise<CustomerHarness> {
  const testDb = await createTestDatabase({ maxConnections: 30 });
  const database = await openCustomerDatabase(testDb.client);
  await seedCustomerDemoData(database.db);
  const server = await createCustomerSubgraph({ database, signingSecret: TEST_SIGNING_SECRET, siblingUrls: NO_SIBLINGS, tokenSecret: TEST_TOKEN_SECRET, ...options }).listen(0);
  return {
    testDb,
    database,
    server,
    as: (caller) => signedSubgraphClient(server.url, TEST_SIGNING_SECRET, caller),
    async stop() {
      await server.stop();
      await testDb.drop();
    },
  };
}
