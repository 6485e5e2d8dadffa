import { z } from 'zod';
import { DEV_SIGNING_SECRET, DEV_TOKEN_SECRET, EnvError, assertProductionSecrets, loadSiblingUrls, parseEnv } from '@omni/config';
import type { ProviderSecrets } from './server';

export const DEFAULT_INGRESS_PORT = 4010;

/** Secrets a provider signs with are long random strings; short ones are guessable. */
const providerSecret = z.string().min(16).max(256).optional();

const providerEnvSchema = z.object({
  // Telegram allows 1–256 characters A–Z, a–z, 0–9, `_` and `-` as a webhook secret token.
  TELEGRAM_WEBHOOK_SECRET: providerSecret.refine((value) => value === undefined || /^[A-Za-z0-9_-]+$/.test(value), 'only A-Z, a-z, 0-9, _ and - (Telegram\'s rule)'),
  // `<bot id>:<secret>` as BotFather issues it.
  TELEGRAM_BOT_TOKEN: z.string().regex(/^\d{1,20}:[A-Za-z0-9_-]{20,100}$/, 'must be a bot token as BotFather gives it').optional(),
  TELEGRAM_API_URL: z.url().optional(),
  WHATSAPP_APP_SECRET: providerSecret,
  WHATSAPP_VERIFY_TOKEN: providerSecret,
  VK_SECRET: providerSecret,
  VK_CONFIRMATION: z.string().min(1).max(64).optional(),
  VK_GROUP_ID: z.coerce.number().int().positive().optional(),
  MESSENGER_PUBLIC_URL: z.url().optional(),
  MESSENGER_BOT: z.enum(['on', 'off']).default('on'),
});

export interface ProviderSettings {
  providers: ProviderSecrets;
  publicUrl: string | undefined;
  bot: boolean;
}

/**
 * The providers' secrets and the bot switch, shared by the service on its own and by `npm start`.
 * A provider is served only when all of its secrets are set; one set without the others is a
 * start-up error rather than an endpoint that accepts anything.
 */
export function loadProviderSettings(source: Record<string, string | undefined>): ProviderSettings {
  // docker-compose passes `${TELEGRAM_BOT_TOKEN:-}` as an empty string: that is "not set".
  const set = Object.fromEntries(Object.keys(providerEnvSchema.shape).map((name) => [name, source[name] === '' ? undefined : source[name]]));
  const env = parseEnv(providerEnvSchema, set);
  if ([env.WHATSAPP_APP_SECRET, env.WHATSAPP_VERIFY_TOKEN].filter(Boolean).length === 1) throw new EnvError('Set both WHATSAPP_APP_SECRET and WHATSAPP_VERIFY_TOKEN, or neither');
  if ([env.VK_SECRET, env.VK_CONFIRMATION].filter(Boolean).length === 1) throw new EnvError('Set both VK_SECRET and VK_CONFIRMATION, or neither');
  return {
    providers: {
      ...(env.TELEGRAM_WEBHOOK_SECRET ? { telegramWebhookSecret: env.TELEGRAM_WEBHOOK_SECRET } : {}),
      ...(env.TELEGRAM_BOT_TOKEN ? { telegramBotToken: env.TELEGRAM_BOT_TOKEN } : {}),
      ...(env.TELEGRAM_API_URL ? { telegramApiUrl: env.TELEGRAM_API_URL } : {}),
      ...(env.WHATSAPP_APP_SECRET && env.WHATSAPP_VERIFY_TOKEN ? { whatsapp: { appSecret: env.WHATSAPP_APP_SECRET, verifyToken: env.WHATSAPP_VERIFY_TOKEN } } : {}),
      ...(env.VK_SECRET && env.VK_CONFIRMATION ? { vk: { secret: env.VK_SECRET, confirmation: env.VK_CONFIRMATION, ...(env.VK_GROUP_ID ? { groupId: env.VK_GROUP_ID } : {}) } } : {}),
    },
    publicUrl: env.MESSENGER_PUBLIC_URL,
    bot: env.MESSENGER_BOT === 'on',
  };
}

const ingressEnvSchema = z.object({
  NODE_ENV: z.string().default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(DEFAULT_INGRESS_PORT),
  HOST: z.string().default('0.0.0.0'),
  GATEWAY_SIGNING_SECRET: z.string().min(32).default(DEV_SIGNING_SECRET),
  AUTH_TOKEN_SECRET: z.string().min(32).default(DEV_TOKEN_SECRET),
});

export interface IngressEnv extends ProviderSettings {
  production: boolean;
  port: number;
  host: string;
  signingSecret: string;
  tokenSecret: string;
  supportUrl: string;
  gatewayUrl: string;
}

/** Read once at start: `SUPPORT_URL` and `GATEWAY_URL` (required in production), the secrets, the providers. */
export function loadIngressEnv(source: Record<string, string | undefined> = process.env): IngressEnv {
  const env = parseEnv(ingressEnvSchema, source);
  const production = env.NODE_ENV === 'production';
  const urls = loadSiblingUrls(source, production, { support: 'http://127.0.0.1:4005/', gateway: 'http://127.0.0.1:4000/' });
  const result: IngressEnv = {
    production,
    port: env.PORT,
    host: env.HOST,
    signingSecret: env.GATEWAY_SIGNING_SECRET,
    tokenSecret: env.AUTH_TOKEN_SECRET,
    supportUrl: urls.support,
    gatewayUrl: urls.gateway,
    ...loadProviderSettings(source),
  };
  assertProductionSecrets(result, [result.signingSecret, result.tokenSecret]);
  return result;
}
