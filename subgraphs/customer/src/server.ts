import { createSubgraphServer, loadSubgraphTypeDefs } from '@omni/graphql';
import { createCustomerContext, type CustomerContext } from './context';
import type { CustomerDatabase } from './db/database';
import { resolvers } from './resolvers';

export const CUSTOMER_SUBGRAPH_NAME = 'customer';
export const customerSchemaFile = new URL('./schema.graphql', import.meta.url);

export function createCustomerSubgraph(options: { database: CustomerDatabase; signingSecret: string }) {
  return createSubgraphServer<CustomerContext>({
    name: CUSTOMER_SUBGRAPH_NAME,
    typeDefs: loadSubgraphTypeDefs(customerSchemaFile),
    resolvers,
    signingSecret: options.signingSecret,
    createContext: ({ caller }) => createCustomerContext(caller, options.database.db),
  });
}
