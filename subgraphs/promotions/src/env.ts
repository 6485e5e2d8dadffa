import { loadSubgraphEnv } from '@omni/config';

/** The promotions subgraph's configuration, read once from the environment. */
export const loadPromotionsEnv = (source: Record<string, string | undefined> = process.env) =>
  loadSubgraphEnv('promotions', 4004, source);
