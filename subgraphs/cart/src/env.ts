import { z } from 'zod';
import { loadEventBusEnv, loadSiblingUrls, loadSubgraphEnv, parseEnv } from '@omni/config';

const cartEnvSchema = z.object({
  ABANDONED_CART_IDLE_MINUTES: z.coerce.number().int().min(1).max(129_600).default(60),
});

/**
 * The cart subgraph's configuration, read once from the environment. Checkout cannot run without
 * the catalog (stock), the customer subgraph (ids staff name) and promotions (the final price), so
 * production refuses to start without any of their URLs.
 */
export function loadCartEnv(source: Record<string, string | undefined> = process.env) {
  const env = parseEnv(cartEnvSchema, source);
  const common = loadSubgraphEnv('cart', 4003, source);
  const siblings = loadSiblingUrls(source, common.production, {
    catalog: 'http://127.0.0.1:4002/',
    customer: 'http://127.0.0.1:4001/',
    promotions: 'http://127.0.0.1:4004/',
  });
  return { ...common, catalogUrl: siblings.catalog, customerUrl: siblings.customer, promotionsUrl: siblings.promotions, abandonedAfterMinutes: env.ABANDONED_CART_IDLE_MINUTES, eventBus: loadEventBusEnv(source) };
}
