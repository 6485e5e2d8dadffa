import { z } from 'zod';
import { loadSubgraphEnv, parseEnv } from '@omni/config';

const cartEnvSchema = z.object({
  CATALOG_URL: z.url().default('http://127.0.0.1:4002/'),
  CUSTOMER_URL: z.url().default('http://127.0.0.1:4001/'),
  ABANDONED_CART_IDLE_MINUTES: z.coerce.number().int().min(1).max(129_600).default(60),
});

/** The cart subgraph's configuration, read once from the environment. */
export function loadCartEnv(source: Record<string, string | undefined> = process.env) {
  const env = parseEnv(cartEnvSchema, source);
  return { ...loadSubgraphEnv('cart', 4003, source), catalogUrl: env.CATALOG_URL, customerUrl: env.CUSTOMER_URL, abandonedAfterMinutes: env.ABANDONED_CART_IDLE_MINUTES };
}
