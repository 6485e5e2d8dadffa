import { createTestDatabase, TEST_SIGNING_SECRET, TEST_TOKEN_SECRET } from '@omni/testing';
import { startSupergraph, type SupergraphDatabases } from '../src/start-supergraph';
import { disableEdgeObservability } from '@omni/graphql';
import { benchRateLimits, type BenchEdge, type BenchRateLimits } from './bench-rate-limits';

/** A running supergraph on a fresh seeded database that the scenarios load through its gateway. */
export interface BenchTarget {
  gatewayUrl: string;
  /** The bench's own connection to the subgraph schemas, e.g. to add a generated catalog. */
  databases: SupergraphDatabases;
  /** What the header line says about the setup. */
  description: string;
  /** SQL statements sent by all subgraphs so far; absent when they run where it cannot be read. */
  totalStatements?: () => number;
  /** CPU time each process has used so far, in ms, by service; absent when all share one process. */
  cpuMs?: () => Promise<Record<string, number>>;
  /** Resolves once the previous run's requests and the domain events they wrote are done. */
  settle(): Promise<void>;
  /** Stops the services and drops the database. */
  stop(): Promise<void>;
}

/** The whole supergraph inside the bench's own process (PGlite, or a new database at DATABASE_URL). */
export async function startInProcessTarget(rateLimits: BenchRateLimits, edge: BenchEdge = 'on', responseCache: 'on' | 'off' = 'on'): Promise<BenchTarget> {
  if (edge === 'off') disableEdgeObservability();
  const database = await createTestDatabase({ maxConnections: 30 });
  const supergraph = await startSupergraph({
    databases: database.client,
    signingSecret: TEST_SIGNING_SECRET,
    tokenSecret: TEST_TOKEN_SECRET,
    ports: { gateway: 0, customer: 0, catalog: 0, cart: 0, promotions: 0, support: 0 },
    seedDemoData: true,
    rateLimits: benchRateLimits(rateLimits),
    ...(responseCache === 'off' ? { responseCache: false as const } : {}),
  });
  const totalStatements = () => supergraph.totalStatements();
  return {
    gatewayUrl: supergraph.gatewayUrl,
    databases: supergraph.databases,
    description: `database: ${database.kind}, response cache ${responseCache}`,
    totalStatements,
    /** Waits until every domain event is delivered (their consumers' statements are counted too) and no statement has been sent for 200 ms. */
    async settle() {
      await supergraph.settleEvents(30_000);
      let last = -1;
      while (last !== totalStatements()) {
        last = totalStatements();
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    },
    async stop() {
      await supergraph.stop();
      await database.drop();
    },
  };
}
