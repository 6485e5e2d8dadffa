/** What other workspaces (the all-in-one runner, the gateway, tests) use of the promotions subgraph. */
export { createPromotionsSubgraph, PROMOTIONS_SUBGRAPH_NAME, promotionsSchemaFile } from './server';
export { openPromotionsDatabase, PROMOTIONS_SCHEMA, type PromotionsDatabase } from './db/database';
export { seedPromotionsDemoData } from './seed';
export { startPromotionEventConsumer } from './events';
export { benchmarkEngine, type EngineBenchmark } from './services/engine/benchmark-engine';
