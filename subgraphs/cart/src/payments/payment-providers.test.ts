import { describe, expect, it } from 'vitest';
import { createTestCardProvider, TEST_CARD_TOKENS } from './payment-providers';

const request = (cardToken: string) => ({ amountMinor: 1_000, currencyCode: 'EUR', cardToken, reference: 'cart_1' });

describe('test card provider', () => {
  it('authorises tok_visa and declines tok_declined and unknown cards', async () => {
    const card = createTestCardProvider();
    expect(await card.authorize(request(TEST_CARD_TOKENS.approved))).toMatchObject({ ok: true, status: 'AUTHORIZED' });
    expect(await card.authorize(request(TEST_CARD_TOKENS.declined))).toEqual({ ok: false, message: 'The card was declined' });
    expect(await card.authorize(request('tok_other'))).toMatchObject({ ok: false });
  });

  it('captures at most the authorised amount and refunds at most the captured amount, once per key', async () => {
    const card = createTestCardProvider();
    const auth = await card.authorize(request(TEST_CARD_TOKENS.approved));
    if (!auth.ok) throw new Error('not authorised');
    await expect(card.capture(auth.reference, 1_001, 'c1')).rejects.toThrow(/exceeds/);
    await card.capture(auth.reference, 1_000, 'c1');
    await card.capture(auth.reference, 1_000, 'c1');
    expect(card.payment(auth.reference!)).toMatchObject({ capturedMinor: 1_000 });
    await card.refund(auth.reference, 600, 'r1');
    await card.refund(auth.reference, 600, 'r1');
    await expect(card.refund(auth.reference, 600, 'r2')).rejects.toThrow(/exceeds/);
    expect(card.payment(auth.reference!)).toMatchObject({ refundedMinor: 600 });
    await expect(card.void(auth.reference)).rejects.toThrow(/captured/);
  });

  it('refuses anything after a void', async () => {
    const card = createTestCardProvider();
    const auth = await card.authorize(request(TEST_CARD_TOKENS.approved));
    if (!auth.ok) throw new Error('not authorised');
    await card.void(auth.reference);
    await expect(card.capture(auth.reference, 1_000, 'c1')).rejects.toThrow(/voided/);
  });
});
