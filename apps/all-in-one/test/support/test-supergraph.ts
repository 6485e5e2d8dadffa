import { createTestDatabase, gatewayClient, TEST_SIGNING_SECRET, TEST_TOKEN_SECRET, type TestDatabase } from '@omni/testing';
import { mintDemoToken, type DemoTokenRole } from '../../src/demo-tokens';
import { startSupergraph, type RunningSupergraph, type SupergraphOptions } from '../../src/start-supergraph';
import type { Channel } from '@omni/auth';

export interface TestSupergraph extends RunningSupergraph {
  /** A gateway client authenticated as a demo person, e.g. as('customer', 'anna'). */
  as(role: DemoTokenRole, key?: string, channel?: Channel): Promise<ReturnType<typeof gatewayClient>>;
  anonymous: ReturnType<typeof gatewayClient>;
  token(role: DemoTokenRole, key?: string, channel?: Channel): Promise<string>;
  close(): Promise<void>;
}

/** The whole supergraph on a throwaway database, seeded, every service on an ephemeral port. */
export async function startTestSupergraph(options: Pick<SupergraphOptions, 'reminderSender' | 'codeSender' | 'rateLimits'> = {}): Promise<TestSupergraph> {
  const database: TestDatabase = await createTestDatabase({ maxConnections: 30 });
  const supergraph = await startSupergraph({
    databases: database.client,
    signingSecret: TEST_SIGNING_SECRET,
    tokenSecret: TEST_TOKEN_SECRET,
    ports: { gateway: 0, customer: 0, catalog: 0, cart: 0, promotions: 0, support: 0 },
    seedDemoData: true,
    eventPollIntervalMs: 50,
    ...options,
  });
  const token = (role: DemoTokenRole, key?: string, channel?: Channel) => mintDemoToken(TEST_TOKEN_SECRET, role, key, channel);
  return {
    ...supergraph,
    token,
    anonymous: gatewayClient(supergraph.gatewayUrl),
    as: async (role, key, channel) => gatewayClient(supergraph.gatewayUrl, await token(role, key, channel)),
    async close() {
      await supergraph.stop();
      await database.drop();
    },
  };
}
