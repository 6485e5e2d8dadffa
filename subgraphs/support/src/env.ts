import { loadSiblingUrls, loadSubgraphEnv } from '@omni/config';

/** The support subgraph's configuration, read once from the environment. */
export function loadSupportEnv(source: Record<string, string | undefined> = process.env) {
  const common = loadSubgraphEnv('support', 4005, source);
  const { customer } = loadSiblingUrls(source, common.production, { customer: 'http://127.0.0.1:4001/' });
  return { ...common, customerUrl: customer };
}
