import { CHANNELS, type Caller } from '@omni/auth';
import type { RunningServer } from '@omni/graphql';
import type { CatalogProducts } from '../../src/clients/catalog-client';
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
export const NO_SIBLINGS = { cart: 'http://127.0.0.1:9/', support: 'http://127.0.0.1:9/', catalog: 'http://127.0.0.1:9/' };

/**
 * The catalog is not started either: every well-formed product id counts as a product offered in
 * every channel, except ids ending in `draft` (offered nowhere), `app0` (only in the mobile app)
 * and `gone` (no product). Checking ids against the real catalog is tested end to end in
 * apps/all-in-one.
 */
export const STAND_IN_CATALOG: CatalogProducts = {
  async productPublications(ids) {
    const channelsOf = (id: string) => (id.endsWith('draft') ? [] : id.endsWith('app0') ? ['MOBILE_APP'] : [...CHANNELS]);
    return new Map(ids.map((id) => [id, id.endsWith('gone') ? null : { id, publishedChannels: channelsOf(id) }]));
  },
};

/** For tests that never sign in: codes go nowhere. */
export const DISCARD_CODES: CodeSender = { send: async () => {} };

export interface CustomerHarness {
  testDb: TestDatabase;
  database: CustomerDatabase;
  server: RunningServer;
  as(caller: Caller): ReturnType<typeof signedSubgraphClient>;
  stop(): Promise<void>;
}

/** The customer subgraph on a fresh database with the demo people, over real HTTP. */
export async function startCustomerHarness(options: { codeSender?: CodeSender; reminderSender?: ReminderSender | null } = {}): Promise<CustomerHarness> {
  const testDb = await createTestDatabase({ maxConnections: 30 });
  const database = await openCustomerDatabase(testDb.client);
  await seedCustomerDemoData(database.db);
  const server = await createCustomerSubgraph({ database, signingSecret: TEST_SIGNING_SECRET, siblingUrls: NO_SIBLINGS, tokenSecret: TEST_TOKEN_SECRET, codeSender: DISCARD_CODES, catalog: STAND_IN_CATALOG, ...options }).listen(0);
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
