import { z } from 'zod';
import { DEV_SIGNING_SECRET, DEV_TOKEN_SECRET, assertProductionSecrets, parseEnv } from '@omni/config';
import { SUBGRAPHS, defaultUrlOf, type SubgraphName } from './subgraphs';

const gatewayEnvSchema = z.object({
  NODE_ENV: z.string().default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  HOST: z.string().default('0.0.0.0'),
  AUTH_TOKEN_SECRET: z.string().min(32).default(DEV_TOKEN_SECRET),
  GATEWAY_SIGNING_SECRET: z.string().min(32).default(DEV_SIGNING_SECRET),
  CUSTOMER_URL: z.url().optional(),
  CATALOG_URL: z.url().optional(),
  CART_URL: z.url().optional(),
  PROMOTIONS_URL: z.url().optional(),
  SUPPORT_URL: z.url().optional(),
});

export interface GatewayEnv {
  production: boolean;
  port: number;
  host: string;
  tokenSecret: string;
  signingSecret: string;
  subgraphUrls: Record<SubgraphName, string>;
}

/** Read once at start; `<NAME>_URL` points the gateway at a subgraph running elsewhere. */
export function loadGatewayEnv(source: Record<string, string | undefined> = process.env): GatewayEnv {
  const env = parseEnv(gatewayEnvSchema, source);
  const urls = Object.fromEntries(
    SUBGRAPHS.map(({ name }) => [name, env[`${name.toUpperCase()}_URL` as keyof typeof env] ?? defaultUrlOf(name)]),
  ) as Record<SubgraphName, string>;
  const result: GatewayEnv = {
    production: env.NODE_ENV === 'production',
    port: env.PORT,
    host: env.HOST,
    tokenSecret: env.AUTH_TOKEN_SECRET,
    signingSecret: env.GATEWAY_SIGNING_SECRET,
    subgraphUrls: urls,
  };
  assertProductionSecrets(result, [result.tokenSecret, result.signingSecret]);
  return result;
}
