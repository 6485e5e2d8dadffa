import { createSubgraphServer, loadSubgraphTypeDefs } from '@omni/graphql';
import { createCatalogClient, type CatalogPort } from './clients/catalog-client';
import { createPromotionsContext, type PromotionsContext } from './context';
import type { PromotionsDatabase } from './db/database';
import { resolvers } from './resolvers';

export const PROMOTIONS_SUBGRAPH_NAME = 'promotions';
export const promotionsSchemaFile = new URL('./schema.graphql', import.meta.url);

/**
 * Pricing matches product and category targets with the catalog's answer for each variant: give
 * `catalogUrl` (the catalog subgraph, called signed as `promotions`) or a `catalog` port (tests).
 */
export function createPromotionsSubgraph(options: { database: PromotionsDatabase; signingSecret: string; catalogUrl?: string | (() => string); catalog?: CatalogPort }) {
  const catalog = options.catalog ?? (options.catalogUrl ? createCatalogClient({ url: options.catalogUrl, signingSecret: options.signingSecret }) : null);
  if (!catalog) throw new Error('The promotions subgraph needs the catalog (catalogUrl) to match product and category targets');
  return createSubgraphServer<PromotionsContext>({
    name: PROMOTIONS_SUBGRAPH_NAME,
    typeDefs: loadSubgraphTypeDefs(promotionsSchemaFile),
    resolvers,
    signingSecret: options.signingSecret,
    createContext: ({ caller }) => createPromotionsContext(caller, options.database.db, catalog),
  });
}
