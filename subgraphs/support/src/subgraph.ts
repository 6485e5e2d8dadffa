/** What other workspaces (the all-in-one runner, the gateway, tests) use of the support subgraph. */
export { createSupportSubgraph, SUPPORT_SUBGRAPH_NAME, supportSchemaFile } from './server';
export { openSupportDatabase, SUPPORT_SCHEMA, type SupportDatabase } from './db/database';
export { seedSupportDemoData } from './seed';
export { createSupportEventRelay, startSupportEventConsumer } from './events';
export { createOutboundWorker, type OutboundWorker } from './outbound/outbound-worker';
export { createProviderAdapters, createTelegramAdapter, createLogAdapter, type ProviderAdapter } from './outbound/provider-adapters';
