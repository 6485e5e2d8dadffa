import { randomBytes } from 'node:crypto';
import { createEventBus } from '@omni/events';
import { createTestDatabase, gatewayClient, testEventBusUrl, TEST_SIGNING_SECRET, TEST_TOKEN_SECRET, type TestDatabase } from '@omni/testing';
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
  // A namespace of its own (stream, subjects, consumers): test files run in parallel on one NATS server.
  const eventBus = await createEventBus({ url: testEventBusUrl(), namespace: `t_${randomBytes(6).toString('hex')}` });
  const removeEventBus = async () => {
    await eventBus.jetstream?.destroy();
    await eventBus.close();
  };
  const supergraph = await startSupergraph({
    eventBus,
    databases: database.client,
    signingSecret: TEST_SIGNING_SECRET,
    tokenSecret: TEST_TOKEN_SECRET,
    ports: { gateway: 0, customer: 0, catalog: 0, cart: 0, promotions: 0, support: 0 },
    seedDemoData: true,
    eventPollIntervalMs: 50,
    ...options,
  }).catch(async (error: unknown) => {
    // The stream would outlive the run on a shared NATS server.
    await removeEventBus();
    await database.drop();
    throw error;
  });
  const token = (role: DemoTokenRole, key?: string, channel?: Channel) => mintDemoToken(TEST_TOKEN_SECRET, role, key, channel);
  return {
    ...supergraph,
    token,
    anonymous: gatewayClient(supergraph.gatewayUrl),
    as: async (role, key, channel) => gatewayClient(supergraph.gatewayUrl, await token(role, key, channel)),
    async close() {
      await supergraph.stop();
      await removeEventBus();
      await database.drop();
    },
  };
}
