import { logger } from '@omni/graphql';
import { z } from 'zod';
import { assertProductionSecrets, DEV_TOKEN_SECRET, EnvError, loadEventBusEnv, loadSiblingUrls, loadSubgraphEnv, parseEnv } from '@omni/config';
import type { CodeSenderConfig } from './clients/code-sender';
import type { ReminderSenderConfig } from './clients/reminder-sender';
import { DEFAULT_POINTS_PER_CURRENCY_UNIT } from './services/loyalty-earn-rules';

const customerEnvSchema = z.object({
  AUTH_TOKEN_SECRET: z.string().min(32).default(DEV_TOKEN_SECRET),
});

const loyaltyEnvSchema = z.object({
  LOYALTY_POINTS_PER_CURRENCY_UNIT: z.coerce.number().int().min(0).max(100).default(DEFAULT_POINTS_PER_CURRENCY_UNIT),
});

/**
 * Points a placed order earns per whole currency unit paid in money. A point pays one minor unit,
 * so the default 5 gives back 5 % of the money paid. Also read by the all-in-one runner.
 */
export function loadLoyaltyPointsPerCurrencyUnit(source: Record<string, string | undefined>): number {
  return parseEnv(loyaltyEnvSchema, source).LOYALTY_POINTS_PER_CURRENCY_UNIT;
}

const codeSenderEnvSchema = z.object({
  SIGN_IN_CODE_WEBHOOK_URL: z.url().optional(),
  SIGN_IN_CODE_WEBHOOK_SECRET: z.string().min(32).optional(),
  SIGN_IN_CODE_WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5000),
});

/**
 * How sign-in codes leave the service: a signed webhook to the operator's email/SMS gateway when
 * SIGN_IN_CODE_WEBHOOK_URL is set, else the log, which production refuses: whoever reads the log
 * could sign in as anyone. Also read by the all-in-one runner, which hosts this subgraph.
 */
export function loadCodeSenderConfig(source: Record<string, string | undefined>, production: boolean): CodeSenderConfig {
  const env = parseEnv(codeSenderEnvSchema, source);
  if (env.SIGN_IN_CODE_WEBHOOK_URL) {
    if (!env.SIGN_IN_CODE_WEBHOOK_SECRET) throw new EnvError('Set SIGN_IN_CODE_WEBHOOK_SECRET (32 characters or more) to sign the requests to SIGN_IN_CODE_WEBHOOK_URL');
    return { kind: 'webhook', url: env.SIGN_IN_CODE_WEBHOOK_URL, secret: env.SIGN_IN_CODE_WEBHOOK_SECRET, timeoutMs: env.SIGN_IN_CODE_WEBHOOK_TIMEOUT_MS };
  }
  if (production) throw new EnvError('Set SIGN_IN_CODE_WEBHOOK_URL and SIGN_IN_CODE_WEBHOOK_SECRET: in production sign-in codes are never printed to the log');
  return { kind: 'console' };
}

const reminderSenderEnvSchema = z.object({
  CART_REMINDER_WEBHOOK_URL: z.url().optional(),
  CART_REMINDER_WEBHOOK_SECRET: z.string().min(32).optional(),
  CART_REMINDER_WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5000),
});

/**
 * How abandoned-cart reminders leave the service: a signed webhook when CART_REMINDER_WEBHOOK_URL
 * is set, else the log in development. Production without a webhook sends none (the log would
 * hold contact addresses), and says so once at start.
 */
export function loadReminderSenderConfig(source: Record<string, string | undefined>, production: boolean): ReminderSenderConfig {
  const env = parseEnv(reminderSenderEnvSchema, source);
  if (env.CART_REMINDER_WEBHOOK_URL) {
    if (!env.CART_REMINDER_WEBHOOK_SECRET) throw new EnvError('Set CART_REMINDER_WEBHOOK_SECRET (32 characters or more) to sign the requests to CART_REMINDER_WEBHOOK_URL');
    return { kind: 'webhook', url: env.CART_REMINDER_WEBHOOK_URL, secret: env.CART_REMINDER_WEBHOOK_SECRET, timeoutMs: env.CART_REMINDER_WEBHOOK_TIMEOUT_MS };
  }
  if (production) {
    logger.warn({ service: 'customer' }, 'cart reminders are off: set CART_REMINDER_WEBHOOK_URL and CART_REMINDER_WEBHOOK_SECRET to send them');
    return { kind: 'off' };
  }
  return { kind: 'console' };
}

/** The customer subgraph's configuration, read once from the environment. */
export function loadCustomerEnv(source: Record<string, string | undefined> = process.env) {
  const env = parseEnv(customerEnvSchema, source);
  const common = loadSubgraphEnv('customer', 4001, source);
  assertProductionSecrets(common, [common.signingSecret, env.AUTH_TOKEN_SECRET]);
  return {
    ...common,
    siblingUrls: loadSiblingUrls(source, common.production, { cart: 'http://127.0.0.1:4003/', support: 'http://127.0.0.1:4005/', catalog: 'http://127.0.0.1:4002/', promotions: 'http://127.0.0.1:4004/' }),
    tokenSecret: env.AUTH_TOKEN_SECRET,
    loyaltyPointsPerCurrencyUnit: loadLoyaltyPointsPerCurrencyUnit(source),
    codeSender: loadCodeSenderConfig(source, common.production),
    reminderSender: loadReminderSenderConfig(source, common.production),
    eventBus: loadEventBusEnv(source),
  };
}
