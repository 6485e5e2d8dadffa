import { createSubgraphServer, loadSubgraphTypeDefs } from '@omni/graphql';
import { createCatalogClient } from './clients/catalog-client';
import { createCartContext, type CartContext } from './context';
import type { CartDatabase } from './db/database';
import { resolvers } from './resolvers';

export const CART_SUBGRAPH_NAME = 'cart';
export const cartSchemaFile = new URL('./schema.graphql', import.meta.url);

export interface CartSubgraphOptions {
  database: CartDatabase;
  signingSecret: string;
  /** The catalog subgraph, asked for variant prices and stock; a function when its port is picked later. */
  catalogUrl: string | (() => string);
}

export function createCartSubgraph(options: CartSubgraphOptions) {
  const catalog = createCatalogClient({ url: options.catalogUrl, signingSecret: options.signingSecret });
  return createSubgraphServer<CartContext>({
    name: CART_SUBGRAPH_NAME,
    typeDefs: loadSubgraphTypeDefs(cartSchemaFile),
    resolvers,
    signingSecret: options.signingSecret,
    createContext: ({ caller }) => createCartContext(caller, options.database.db, catalog),
  });
}
