import { createSubgraphServer, loadSubgraphTypeDefs } from '@omni/graphql';
import { createPromotionsContext, type PromotionsContext } from './context';
import type { PromotionsDatabase } from './db/database';
import { resolvers } from './resolvers';

export const PROMOTIONS_SUBGRAPH_NAME = 'promotions';
export const promotionsSchemaFile = new URL('./schema.graphql', import.meta.url);

export function createPromotionsSubgraph(options: { database: PromotionsDatabase; signingSecret: string }) {
  return createSubgraphServer<PromotionsContext>({
    name: PROMOTIONS_SUBGRAPH_NAME,
    typeDefs: loadSubgraphTypeDefs(promotionsSchemaFile),
    resolvers,
    signingSecret: options.signingSecret,
    createContext: ({ caller }) => createPromotionsContext(caller, options.database.db),
  });
}
