import { loadSubgraphEnv } from '@omni/config';

/** The support subgraph's configuration, read once from the environment. */
export const loadSupportEnv = (source: Record<string, string | undefined> = process.env) =>
  loadSubgraphEnv('support', 4005, source);
