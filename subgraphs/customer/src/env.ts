import { z } from 'zod';
import { assertProductionSecrets, DEV_TOKEN_SECRET, loadSubgraphEnv, parseEnv } from '@omni/config';

const customerEnvSchema = z.object({
  CART_URL: z.url().default('http://127.0.0.1:4003/'),
  SUPPORT_URL: z.url().default('http://127.0.0.1:4005/'),
  AUTH_TOKEN_SECRET: z.string().min(32).default(DEV_TOKEN_SECRET),
});

/** The customer subgraph's configuration, read once from the environment. */
export function loadCustomerEnv(source: Record<string, string | undefined> = process.env) {
  const env = parseEnv(customerEnvSchema, source);
  const common = loadSubgraphEnv('customer', 4001, source);
  assertProductionSecrets(common, [env.AUTH_TOKEN_SECRET]);
  return { ...common, siblingUrls: { cart: env.CART_URL, support: env.SUPPORT_URL }, tokenSecret: env.AUTH_TOKEN_SECRET };
}
