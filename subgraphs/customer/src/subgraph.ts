/** What other workspaces (the all-in-one runner, tests) use of the customer subgraph. */
export { createCustomerSubgraph, CUSTOMER_SUBGRAPH_NAME, customerSchemaFile } from './server';
export { openCustomerDatabase, CUSTOMER_SCHEMA, type CustomerDatabase } from './db/database';
export { seedCustomerDemoData } from './seed';
