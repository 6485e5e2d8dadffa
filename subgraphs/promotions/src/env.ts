import { loadEventBusEnv, loadSiblingUrls, loadSubgraphEnv } from '@omni/config';

/**
 * The promotions subgraph's configuration, read once from the environment. Pricing asks the
 * catalog which product and category each variant belongs to, and the customer subgraph which
 * segments a cart's customer is in, so production refuses to start without `CATALOG_URL` and
 * `CUSTOMER_URL`.
 */
export function loadPromotionsEnv(source: Record<string, string | undefined> = process.env) {
  const common = loadSubgraphEnv('promotions', 4004, source);
  const siblings = loadSiblingUrls(source, common.production, { catalog: 'http://127.0.0.1:4002/', customer: 'http://127.0.0.1:4001/' });
  return { ...common, catalogUrl: siblings.catalog, customerUrl: siblings.customer, eventBus: loadEventBusEnv(source) };
}
