import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { DEV_SIGNING_SECRET, DEV_TOKEN_SECRET, assertProductionSecrets, assertProductionStorage, loadEventBusEnv, loadObservabilityEnv, parseEnv } from '@omni/config';
import { loadResponseCacheSettings } from '@omni/gateway';
import { DEFAULT_INGRESS_PORT, loadProviderSettings } from '@omni/messenger-ingress';
import { loadCodeSenderConfig, loadLoyaltyPointsPerCurrencyUnit, loadReminderSenderConfig } from '@omni/subgraph-customer';

const DEFAULT_DATA_DIR = fileURLToPath(new URL('../../../.data/pglite', import.meta.url));

const allInOneEnvSchema = z.object({
  NODE_ENV: z.string().default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  HOST: z.string().default('127.0.0.1'),
  DATABASE_URL: z.url().optional(),
  PGLITE_DIR: z.string().default(DEFAULT_DATA_DIR),
  AUTH_TOKEN_SECRET: z.string().min(32).default(DEV_TOKEN_SECRET),
  GATEWAY_SIGNING_SECRET: z.string().min(32).default(DEV_SIGNING_SECRET),
  LOG_SQL: z.enum(['true', 'false', '1', '0', '']).optional(),
  // PORT is the gateway's here; the messenger webhooks listen on a port of their own.
  MESSENGER_INGRESS_PORT: z.coerce.number().int().min(0).max(65535).default(DEFAULT_INGRESS_PORT),
});

/** `npm start`: embedded Postgres in `.data/pglite` unless DATABASE_URL names a server. */
export function loadAllInOneEnv(source: Record<string, string | undefined> = process.env) {
  const env = parseEnv(allInOneEnvSchema, source);
  const result = {
    production: env.NODE_ENV === 'production',
    port: env.PORT,
    host: env.HOST,
    databaseUrl: env.DATABASE_URL,
    pgliteDir: env.PGLITE_DIR,
    tokenSecret: env.AUTH_TOKEN_SECRET,
    signingSecret: env.GATEWAY_SIGNING_SECRET,
    logSql: env.LOG_SQL === 'true' || env.LOG_SQL === '1',
  };
  assertProductionSecrets(result, [result.tokenSecret, result.signingSecret]);
  assertProductionStorage(result, source.PGLITE_DIR);
  return {
    ...result,
    codeSender: loadCodeSenderConfig(source, result.production),
    reminderSender: loadReminderSenderConfig(source, result.production),
    loyaltyPointsPerCurrencyUnit: loadLoyaltyPointsPerCurrencyUnit(source),
    messengerIngress: { port: env.MESSENGER_INGRESS_PORT, ...loadProviderSettings(source) },
    // GATEWAY_RESPONSE_CACHE*, as for the gateway alone; see "Response cache" in README.md.
    responseCache: loadResponseCacheSettings(source),
    // Unset: events stay inside this process; set, so other processes (another gateway) hear them too.
    eventBus: loadEventBusEnv(source),
    // One process serves all six services; each log line and metric names its own.
    observability: loadObservabilityEnv(source, 'omnigraph'),
  };
}

export type AllInOneEnv = ReturnType<typeof loadAllInOneEnv>;
