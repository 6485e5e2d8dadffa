import { createSubgraphServer, loadSubgraphTypeDefs } from '@omni/graphql';
import { createCatalogClient, type CatalogPort } from './clients/catalog-client';
import { createCustomerClient, unavailableCustomers, type CustomerPort } from './clients/customer-client';
import { createPromotionsContext, type PromotionsContext } from './context';
import type { PromotionsDatabase } from './db/database';
import { resolvers } from './resolvers';

export const PROMOTIONS_SUBGRAPH_NAME = 'promotions';
export const promotionsSchemaFile = new URL('./schema.graphql', import.meta.url);

/**
 * Pricing matches product and category targets with the catalog's answer for each variant: give
 * `catalogUrl` (the catalog subgraph, called signed as `promotions`) or a `catalog` port (tests).
 * Segment-scoped promotions are priced with the customer subgraph's segments: give `customerUrl`
 * or a `customers` port; without either, pricing a customer's cart while such a promotion is live
 * fails (checkout answers PRICING_UNAVAILABLE) rather than price without segments.
 */
export function createPromotionsSubgraph(options: {
  database: PromotionsDatabase;
  signingSecret: string;
  catalogUrl?: string | (() => string);
  catalog?: CatalogPort;
  customerUrl?: string | (() => string);
  customers?: CustomerPort;
}) {
  const catalog = options.catalog ?? (options.catalogUrl ? createCatalogClient({ url: options.catalogUrl, signingSecret: options.signingSecret }) : null);
  if (!catalog) throw new Error('The promotions subgraph needs the catalog (catalogUrl) to match product and category targets');
  const customers = options.customers ?? (options.customerUrl ? createCustomerClient({ url: options.customerUrl, signingSecret: options.signingSecret }) : unavailableCustomers);
  return createSubgraphServer<PromotionsContext>({
    name: PROMOTIONS_SUBGRAPH_NAME,
    typeDefs: loadSubgraphTypeDefs(promotionsSchemaFile),
    resolvers,
    signingSecret: options.signingSecret,
    createContext: ({ caller }) => createPromotionsContext(caller, options.database.db, { catalog, customers }),
  });
}
