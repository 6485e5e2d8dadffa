import { loadSubgraphEnv } from '@omni/config';

/** The customer subgraph's configuration, read once from the environment. */
export const loadCustomerEnv = (source: Record<string, string | undefined> = process.env) =>
  loadSubgraphEnv('customer', 4001, source);
