/** The only place the test harness reads the environment. */
export const testEnv = {
  /** When set, tests run on this Postgres server (in a fresh database each) instead of PGlite. */
  databaseUrl: process.env.DATABASE_URL || undefined,
  /** When set (`nats://…`), e2e supergraphs deliver domain events through JetStream on that server. */
  eventBusUrl: process.env.EVENT_BUS_URL || undefined,
};
