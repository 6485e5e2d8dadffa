import { createSubgraphServer, loadSubgraphTypeDefs } from '@omni/graphql';
import { createSupportContext, type SupportContext } from './context';
import type { SupportDatabase } from './db/database';
import { resolvers } from './resolvers';

export const SUPPORT_SUBGRAPH_NAME = 'support';
export const supportSchemaFile = new URL('./schema.graphql', import.meta.url);

export function createSupportSubgraph(options: { database: SupportDatabase; signingSecret: string }) {
  return createSubgraphServer<SupportContext>({
    name: SUPPORT_SUBGRAPH_NAME,
    typeDefs: loadSubgraphTypeDefs(supportSchemaFile),
    resolvers,
    signingSecret: options.signingSecret,
    createContext: ({ caller }) => createSupportContext(caller, options.database.db),
  });
}
