import { createSubgraphServer, loadSubgraphTypeDefs } from '@omni/graphql';
import { createCatalogContext, type CatalogContext } from './context';
import type { CatalogDatabase } from './db/database';
import { resolvers } from './resolvers';

export const CATALOG_SUBGRAPH_NAME = 'catalog';
export const catalogSchemaFile = new URL('./schema.graphql', import.meta.url);

export function createCatalogSubgraph(options: { database: CatalogDatabase; signingSecret: string }) {
  return createSubgraphServer<CatalogContext>({
    name: CATALOG_SUBGRAPH_NAME,
    typeDefs: loadSubgraphTypeDefs(catalogSchemaFile),
    resolvers,
    signingSecret: options.signingSecret,
    createContext: ({ caller }) => createCatalogContext(caller, options.database.db),
    // The catalog calls no sibling and logs nothing below its resolvers while serving a request.
    implicitRequestContext: false,
  });
}
