import { loadSiblingUrls, loadSubgraphEnv } from '@omni/config';

/**
 * The promotions subgraph's configuration, read once from the environment. Pricing asks the
 * catalog which product and category each variant belongs to, so production refuses to start
 * without `CATALOG_URL`.
 */
export function loadPromotionsEnv(source: Record<string, string | undefined> = process.env) {
  const common = loadSubgraphEnv('promotions', 4004, source);
  const siblings = loadSiblingUrls(source, common.production, { catalog: 'http://127.0.0.1:4002/' });
  return { ...common, catalogUrl: siblings.catalog };
}
