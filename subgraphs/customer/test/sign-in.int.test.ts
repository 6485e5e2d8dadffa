import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { SCOPES_BY_KIND, verifyAccessToken } from '@omni/auth';
import { demoCustomer } from '@omni/demo-data';
import { callers, expectData, TEST_TOKEN_SECRET } from '@omni/testing';
import type { CodeSender } from '../src/clients/code-sender';
import { startCustomerHarness, type CustomerHarness } from './support/customer-harness';

const sent: { kind: string; value: string; code: string }[] = [];
let deliveryFails = false;
const codeSender: CodeSender = {
  async send({ kind, value, code }) {
    // A failing gateway may still have passed the code on: it is recorded either way.
    sent.push({ kind, value, code });
    if (deliveryFails) throw new Error('sign-in code webhook answered 502');
  },
};
let h: CustomerHarness;
beforeAll(async () => {
  h = await startCustomerHarness({ codeSender });
});
afterAll(async () => {
  await h?.stop();
});

const REQUEST = `mutation($input: RequestSignInCodeInput!) { requestSignInCode(input: $input) { challengeId expiresAt userErrors { code field } } }`;
const SIGN_IN = `mutation($input: SignInWithCodeInput!) { signInWithCode(input: $input) {
  accessToken customer { id identities { kind value verified } } userErrors { code field message } } }`;
const guest = (guestId: string) => h.as({ kind: 'guest', channel: 'MOBILE_APP', guestId, scopes: [...SCOPES_BY_KIND.guest] });
const wrong = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

describe('sign-in with a one-time code', () => {
  it('signs an existing customer in by a code sent to their phone and links the guest device', async () => {
    const anna = demoCustomer('anna');
    const asGuest = guest('device-anna-phone-01');
    const requested = expectData(await asGuest(REQUEST, { input: { kind: 'PHONE', value: '0151 12345001', region: 'DE' } })).requestSignInCode;
    expect(requested.userErrors).toEqual([]);
    expect(sent.at(-1)).toMatchObject({ kind: 'PHONE', value: '+4915112345001' });
    const code = sent.at(-1)!.code;

    const bad = expectData(await asGuest(SIGN_IN, { input: { challengeId: requested.challengeId, code: wrong(code) } })).signInWithCode;
    expect(bad).toMatchObject({ accessToken: null, userErrors: [{ code: 'INVALID', field: ['input', 'code'] }] });

    const ok = expectData(await asGuest(SIGN_IN, { input: { challengeId: requested.challengeId, code } })).signInWithCode;
    expect(ok.userErrors).toEqual([]);
    expect(ok.customer.id).toBe(anna.id);
    expect(ok.customer.identities).toContainEqual({ kind: 'DEVICE', value: 'device-anna-phone-01', verified: false });
    const claims = await verifyAccessToken(TEST_TOKEN_SECRET, ok.accessToken);
    // The token names the device, which entitles Anna to the guest cart she filled on it.
    expect(claims).toMatchObject({ role: 'customer', sub: anna.id, channel: 'MOBILE_APP', guest: 'device-anna-phone-01' });

    const replay = expectData(await asGuest(SIGN_IN, { input: { challengeId: requested.challengeId, code } })).signInWithCode;
    expect(replay.userErrors[0]?.code).toBe('INVALID');
  });

  it('answers DELIVERY_FAILED when the code cannot be sent, and that code never signs anyone in', async () => {
    deliveryFails = true;
    const asGuest = guest('device-failed-delivery-01');
    const requested = expectData(await asGuest(REQUEST, { input: { kind: 'EMAIL', value: 'undeliverable@example.com' } })).requestSignInCode;
    deliveryFails = false;
    expect(requested).toMatchObject({ challengeId: null, userErrors: [{ code: 'DELIVERY_FAILED', field: ['input', 'value'] }] });
    const result = await h.database.db.execute<{ id: string }>(sql`select id from customer.sign_in_challenges where value = 'undeliverable@example.com'`);
    const [challenge] = Array.isArray(result) ? result : (result as unknown as { rows: { id: string }[] }).rows;
    const attempt = expectData(await asGuest(SIGN_IN, { input: { challengeId: challenge!.id, code: sent.at(-1)!.code } })).signInWithCode;
    expect(attempt).toMatchObject({ accessToken: null, userErrors: [{ code: 'INVALID' }] });
  });

  it('creates a customer with a verified identity when the identifier is new', async () => {
    const requested = expectData(await h.as(callers.anonymous('WEB'))(REQUEST, { input: { kind: 'EMAIL', value: 'New.Person@Example.com' } })).requestSignInCode;
    const { code } = sent.at(-1)!;
    const ok = expectData(await h.as(callers.anonymous('WEB'))(SIGN_IN, { input: { challengeId: requested.challengeId, code } })).signInWithCode;
    expect(ok.customer.identities).toEqual([{ kind: 'EMAIL', value: 'new.person@example.com', verified: true }]);
    const me = expectData(await h.as(callers.customer(ok.customer.id))('{ me { id } }'));
    expect(me.me.id).toBe(ok.customer.id);
  });

  it('locks a challenge after five wrong codes and refuses malformed identifiers', async () => {
    const requested = expectData(await guest('device-x-000001')(REQUEST, { input: { kind: 'TELEGRAM', value: '5550001' } })).requestSignInCode;
    const { code } = sent.at(-1)!;
    for (let i = 0; i < 5; i += 1) {
      const bad = expectData(await guest('device-x-000001')(SIGN_IN, { input: { challengeId: requested.challengeId, code: wrong(code) } })).signInWithCode;
      expect(bad.userErrors[0]?.code).toBe('INVALID');
    }
    const locked = expectData(await guest('device-x-000001')(SIGN_IN, { input: { challengeId: requested.challengeId, code } })).signInWithCode;
    expect(locked).toMatchObject({ accessToken: null, userErrors: [{ code: 'INVALID_STATE' }] });

    const sentBefore = sent.length;
    const malformed = expectData(await guest('device-x-000001')(REQUEST, { input: { kind: 'PHONE', value: '12' } })).requestSignInCode;
    expect(malformed).toEqual({ challengeId: null, expiresAt: null, userErrors: [{ code: 'INVALID', field: ['input', 'value'] }] });
    expect(sent.length).toBe(sentBefore);
    const byPartner = await h.as(callers.partner())(REQUEST, { input: { kind: 'EMAIL', value: 'someone@example.com' } });
    expect(byPartner.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(sent.length).toBe(sentBefore);
  });
});
