import { describe, expect, it } from 'vitest';
import { loadAllInOneEnv } from './env';

const production = { NODE_ENV: 'production', GATEWAY_SIGNING_SECRET: 'g'.repeat(40), AUTH_TOKEN_SECRET: 'a'.repeat(40), DATABASE_URL: 'postgres://db/omnigraph' };

describe('npm start environment', () => {
  it('prints sign-in codes in development only', () => {
    expect(loadAllInOneEnv({}).codeSender).toEqual({ kind: 'console' });
    expect(() => loadAllInOneEnv(production)).toThrow(/SIGN_IN_CODE_WEBHOOK_URL/);
    const env = loadAllInOneEnv({ ...production, SIGN_IN_CODE_WEBHOOK_URL: 'https://sms.example.com/codes', SIGN_IN_CODE_WEBHOOK_SECRET: 's'.repeat(32) });
    expect(env.codeSender).toMatchObject({ kind: 'webhook', url: 'https://sms.example.com/codes' });
  });
});
