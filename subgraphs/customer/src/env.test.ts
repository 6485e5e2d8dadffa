import { describe, expect, it } from 'vitest';
import { loadCodeSenderConfig, loadCustomerEnv, loadReminderSenderConfig } from './env';

const SECRET = 'x'.repeat(32);
const productionSecrets = {
  NODE_ENV: 'production',
  GATEWAY_SIGNING_SECRET: 'g'.repeat(40),
  AUTH_TOKEN_SECRET: 'a'.repeat(40),
  CART_URL: 'http://cart:4003/',
  SUPPORT_URL: 'http://support:4005/',
  CATALOG_URL: 'http://catalog:4002/',
  PROMOTIONS_URL: 'http://promotions:4004/',
  DATABASE_URL: 'postgres://db/omnigraph',
};

describe('sign-in code sender configuration', () => {
  it('prints codes only in development', () => {
    expect(loadCodeSenderConfig({}, false)).toEqual({ kind: 'console' });
    expect(() => loadCodeSenderConfig({}, true)).toThrow(/SIGN_IN_CODE_WEBHOOK_URL/);
  });

  it('refuses to start production without a webhook', () => {
    expect(() => loadCustomerEnv(productionSecrets)).toThrow(/SIGN_IN_CODE_WEBHOOK_URL and SIGN_IN_CODE_WEBHOOK_SECRET/);
    const env = loadCustomerEnv({ ...productionSecrets, SIGN_IN_CODE_WEBHOOK_URL: 'https://sms.example.com/codes', SIGN_IN_CODE_WEBHOOK_SECRET: SECRET });
    expect(env.codeSender).toEqual({ kind: 'webhook', url: 'https://sms.example.com/codes', secret: SECRET, timeoutMs: 5000 });
  });

  it('needs a signing secret with the webhook, in every environment', () => {
    expect(() => loadCodeSenderConfig({ SIGN_IN_CODE_WEBHOOK_URL: 'https://sms.example.com/codes' }, false)).toThrow(/SIGN_IN_CODE_WEBHOOK_SECRET/);
    expect(() => loadCodeSenderConfig({ SIGN_IN_CODE_WEBHOOK_URL: 'https://sms.example.com/codes', SIGN_IN_CODE_WEBHOOK_SECRET: 'short' }, false)).toThrow(/SIGN_IN_CODE_WEBHOOK_SECRET/);
    expect(loadCodeSenderConfig({ SIGN_IN_CODE_WEBHOOK_URL: 'http://127.0.0.1:8025/', SIGN_IN_CODE_WEBHOOK_SECRET: SECRET, SIGN_IN_CODE_WEBHOOK_TIMEOUT_MS: '1500' }, false)).toMatchObject({ kind: 'webhook', timeoutMs: 1500 });
  });
});

describe('cart reminder sender configuration', () => {
  it('prints reminders in development, sends none in production without a webhook', () => {
    expect(loadReminderSenderConfig({}, false)).toEqual({ kind: 'console' });
    expect(loadReminderSenderConfig({}, true)).toEqual({ kind: 'off' });
  });

  it('posts to the webhook in any environment, signed', () => {
    const source = { CART_REMINDER_WEBHOOK_URL: 'https://mail.example.com/reminders', CART_REMINDER_WEBHOOK_SECRET: SECRET };
    expect(loadReminderSenderConfig(source, true)).toEqual({ kind: 'webhook', url: 'https://mail.example.com/reminders', secret: SECRET, timeoutMs: 5000 });
    expect(() => loadReminderSenderConfig({ CART_REMINDER_WEBHOOK_URL: 'https://mail.example.com/reminders' }, false)).toThrow(/CART_REMINDER_WEBHOOK_SECRET/);
  });
});

describe('loyalty configuration', () => {
  it('earns 5 points per currency unit unless configured, in whole points', () => {
    const webhook = { SIGN_IN_CODE_WEBHOOK_URL: 'https://sms.example.com/codes', SIGN_IN_CODE_WEBHOOK_SECRET: SECRET };
    expect(loadCustomerEnv({ ...productionSecrets, ...webhook }).loyaltyPointsPerCurrencyUnit).toBe(5);
    expect(loadCustomerEnv({ ...productionSecrets, ...webhook, LOYALTY_POINTS_PER_CURRENCY_UNIT: '10' }).loyaltyPointsPerCurrencyUnit).toBe(10);
    expect(() => loadCustomerEnv({ ...productionSecrets, ...webhook, LOYALTY_POINTS_PER_CURRENCY_UNIT: '2.5' })).toThrow(/LOYALTY_POINTS_PER_CURRENCY_UNIT/);
  });

  it('needs the promotions URL in production, where its events go', () => {
    const webhook = { SIGN_IN_CODE_WEBHOOK_URL: 'https://sms.example.com/codes', SIGN_IN_CODE_WEBHOOK_SECRET: SECRET };
    const { PROMOTIONS_URL: _, ...withoutPromotions } = productionSecrets;
    expect(() => loadCustomerEnv({ ...withoutPromotions, ...webhook })).toThrow(/PROMOTIONS_URL/);
  });
});
