import { loadEventBusEnv, loadSubgraphEnv } from '@omni/config';

/** The catalog subgraph's configuration, read once from the environment. */
export const loadCatalogEnv = (source: Record<string, string | undefined> = process.env) => ({
  ...loadSubgraphEnv('catalog', 4002, source),
  eventBus: loadEventBusEnv(source),
});
