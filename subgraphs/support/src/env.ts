import { z } from 'zod';
import { loadSubgraphEnv, parseEnv } from '@omni/config';

const supportEnvSchema = z.object({ CUSTOMER_URL: z.url().default('http://127.0.0.1:4001/') });

/** The support subgraph's configuration, read once from the environment. */
export function loadSupportEnv(source: Record<string, string | undefined> = process.env) {
  const env = parseEnv(supportEnvSchema, source);
  return { ...loadSubgraphEnv('support', 4005, source), customerUrl: env.CUSTOMER_URL };
}
