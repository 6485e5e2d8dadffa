/** What other workspaces (the all-in-one runner, the cart subgraph, tests) use of the catalog subgraph. */
export { createCatalogSubgraph, CATALOG_SUBGRAPH_NAME, catalogSchemaFile } from './server';
export { openCatalogDatabase, CATALOG_SCHEMA, type CatalogDatabase } from './db/database';
export { seedCatalogDemoData } from './seed';
export { createCatalogEventRelay } from './events';
export { generateLargeCatalog, type LargeCatalogOptions } from './large-catalog';
export { releaseExpiredReservations, startReservationSweeper } from './services/reservation-service';
