import { describe, expect, it } from 'vitest';
import { loadIngressEnv, loadProviderSettings } from '../src/env';

describe('loadProviderSettings', () => {
  it('serves no provider without its secrets, empty values counting as unset', () => {
    expect(loadProviderSettings({})).toEqual({ providers: {}, publicUrl: undefined, bot: true });
    expect(loadProviderSettings({ TELEGRAM_WEBHOOK_SECRET: '', VK_GROUP_ID: '', MESSENGER_PUBLIC_URL: '' }).providers).toEqual({});
  });

  it('reads every provider', () => {
    const settings = loadProviderSettings({
      TELEGRAM_WEBHOOK_SECRET: 'telegram-secret-0123',
      WHATSAPP_APP_SECRET: 'whatsapp-app-secret-0123',
      WHATSAPP_VERIFY_TOKEN: 'whatsapp-verify-0123',
      VK_SECRET: 'vk-secret-0123456789',
      VK_CONFIRMATION: 'a1b2c3d4',
      VK_GROUP_ID: '229110000',
      MESSENGER_BOT: 'off',
    });
    expect(settings).toEqual({
      providers: {
        telegramWebhookSecret: 'telegram-secret-0123',
        whatsapp: { appSecret: 'whatsapp-app-secret-0123', verifyToken: 'whatsapp-verify-0123' },
        vk: { secret: 'vk-secret-0123456789', confirmation: 'a1b2c3d4', groupId: 229110000 },
      },
      publicUrl: undefined,
      bot: false,
    });
  });

  it('refuses half a provider, short secrets and characters Telegram does not allow', () => {
    expect(() => loadProviderSettings({ WHATSAPP_APP_SECRET: 'whatsapp-app-secret-0123' })).toThrow(/WHATSAPP_VERIFY_TOKEN/);
    expect(() => loadProviderSettings({ VK_SECRET: 'vk-secret-0123456789' })).toThrow(/VK_CONFIRMATION/);
    expect(() => loadProviderSettings({ TELEGRAM_WEBHOOK_SECRET: 'short' })).toThrow(/TELEGRAM_WEBHOOK_SECRET/);
    expect(() => loadProviderSettings({ TELEGRAM_WEBHOOK_SECRET: 'has spaces in it, sorry' })).toThrow(/TELEGRAM_WEBHOOK_SECRET/);
  });
});

describe('loadIngressEnv', () => {
  it('needs the sibling URLs and real secrets in production', () => {
    expect(() => loadIngressEnv({ NODE_ENV: 'production' })).toThrow(/SUPPORT_URL|GATEWAY_URL/);
    expect(() => loadIngressEnv({ NODE_ENV: 'production', SUPPORT_URL: 'http://support:4005/', GATEWAY_URL: 'http://gateway:4000/' })).toThrow(/GATEWAY_SIGNING_SECRET/);
    expect(loadIngressEnv({}).port).toBe(4010);
  });
});
