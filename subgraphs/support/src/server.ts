import { createCustomerDirectoryClient, createSubgraphServer, loadSubgraphTypeDefs, type CustomerDirectory } from '@omni/graphql';
import { createSupportContext, type SupportContext } from './context';
import type { SupportDatabase } from './db/database';
import { resolvers } from './resolvers';

export const SUPPORT_SUBGRAPH_NAME = 'support';
export const supportSchemaFile = new URL('./schema.graphql', import.meta.url);

export interface SupportSubgraphOptions {
  database: SupportDatabase;
  signingSecret: string;
  /** The customer subgraph, asked whether a customer staff name exists; a function when its port is picked later. */
  customerUrl: string | (() => string);
  /** Answers for the customer subgraph at `customerUrl` when given (tests without one). */
  customers?: CustomerDirectory;
}

export function createSupportSubgraph(options: SupportSubgraphOptions) {
  const customers = options.customers ?? createCustomerDirectoryClient({ service: 'support', url: options.customerUrl, signingSecret: options.signingSecret });
  return createSubgraphServer<SupportContext>({
    name: SUPPORT_SUBGRAPH_NAME,
    typeDefs: loadSubgraphTypeDefs(supportSchemaFile),
    resolvers,
    signingSecret: options.signingSecret,
    createContext: ({ caller }) => createSupportContext(caller, options.database.db, customers),
  });
}
