import { z } from 'zod';
import { loadEventBusEnv, loadSiblingUrls, loadSubgraphEnv, parseEnv } from '@omni/config';
import type { ProviderCredentials } from './outbound/provider-adapters';

const supportEnvSchema = z.object({
  /** Minutes within which an agent must first answer a conversation handed to people. */
  SUPPORT_FIRST_RESPONSE_SLA_MINUTES: z.coerce.number().int().min(1).max(10_080).default(15),
  TELEGRAM_API_URL: z.url().default('https://api.telegram.org'),
  TELEGRAM_BOT_TOKEN: z.string().min(1).optional(),
  WHATSAPP_API_URL: z.url().default('https://graph.facebook.com/v21.0'),
  WHATSAPP_ACCESS_TOKEN: z.string().min(1).optional(),
  WHATSAPP_PHONE_NUMBER_ID: z.string().regex(/^\d{1,30}$/).optional(),
  VK_API_URL: z.url().default('https://api.vk.com'),
  VK_ACCESS_TOKEN: z.string().min(1).optional(),
});

/** The support subgraph's configuration, read once from the environment. */
export function loadSupportEnv(source: Record<string, string | undefined> = process.env) {
  const common = loadSubgraphEnv('support', 4005, source);
  const { customer, promotions } = loadSiblingUrls(source, common.production, { customer: 'http://127.0.0.1:4001/', promotions: 'http://127.0.0.1:4004/' });
  const env = parseEnv(supportEnvSchema, source);
  // A provider without its credentials falls back to the log adapter: replies are recorded, not sent.
  const providers: ProviderCredentials = {
    telegram: env.TELEGRAM_BOT_TOKEN ? { apiUrl: env.TELEGRAM_API_URL, botToken: env.TELEGRAM_BOT_TOKEN } : null,
    whatsapp:
      env.WHATSAPP_ACCESS_TOKEN && env.WHATSAPP_PHONE_NUMBER_ID
        ? { apiUrl: env.WHATSAPP_API_URL, accessToken: env.WHATSAPP_ACCESS_TOKEN, phoneNumberId: env.WHATSAPP_PHONE_NUMBER_ID }
        : null,
    vk: env.VK_ACCESS_TOKEN ? { apiUrl: env.VK_API_URL, accessToken: env.VK_ACCESS_TOKEN } : null,
  };
  return { ...common, customerUrl: customer, promotionsUrl: promotions, firstResponseSlaMinutes: env.SUPPORT_FIRST_RESPONSE_SLA_MINUTES, providers, eventBus: loadEventBusEnv(source) };
}
