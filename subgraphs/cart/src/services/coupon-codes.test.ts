import { describe, expect, it } from 'vitest';
import { promotionsCouponCheck } from './coupon-check';
import { couponRefusalError, mergeCouponCodes, normalizeCouponCode, planCouponApply, planCouponRemoval } from './coupon-codes';

describe('coupon codes', () => {
  it('normalises case and surrounding spaces, and refuses anything but 1–64 of A–Z, 0–9, - and _', () => {
    expect(normalizeCouponCode('  summer-10_x ')).toEqual({ ok: true, value: 'SUMMER-10_X' });
    for (const raw of ['', '  ', 'a b', '10%', 'Ä', 'X'.repeat(65)]) expect(normalizeCouponCode(raw).ok).toBe(false);
    expect(normalizeCouponCode('x'.repeat(64))).toEqual({ ok: true, value: 'X'.repeat(64) });
  });

  it('adds a code once, at most five, and removes only codes the cart carries', () => {
    expect(planCouponApply(['A'], 'B')).toEqual({ ok: true, value: ['A', 'B'] });
    expect(planCouponApply(['A'], 'A')).toEqual({ ok: true, value: null });
    expect(planCouponApply(['A', 'B', 'C', 'D', 'E'], 'F').ok).toBe(false);
    expect(planCouponApply(['A', 'B', 'C', 'D', 'E'], 'E')).toEqual({ ok: true, value: null });
    expect(planCouponRemoval(['A', 'B'], 'A')).toEqual({ ok: true, value: ['B'] });
    expect(planCouponRemoval(['A'], 'B')).toMatchObject({ ok: false, userErrors: [{ code: 'NOT_FOUND' }] });
  });

  it('merges the taking cart’s codes first, then the other’s it lacks, up to the limit', () => {
    expect(mergeCouponCodes(['B', 'C'], ['A', 'B'])).toEqual({ kept: ['B', 'C', 'A'], dropped: [] });
    expect(mergeCouponCodes(['A', 'B', 'C', 'D'], ['E', 'F', 'A'])).toEqual({ kept: ['A', 'B', 'C', 'D', 'E'], dropped: ['F'] });
  });

  it('turns a refusal into a user error at the code, naming when a later promotion starts', () => {
    expect(couponRefusalError({ refusal: 'COUPON_USED_UP', startsAt: null })).toEqual({ code: 'COUPON_USED_UP', field: ['input', 'code'], message: 'This coupon code has been used as often as it may' });
    expect(couponRefusalError({ refusal: 'COUPON_NOT_ACTIVE', startsAt: new Date('2030-01-02T03:04:05Z') }).message).toBe('This coupon code is not valid yet; it starts on 2030-01-02 03:04 UTC');
    expect(couponRefusalError({ refusal: 'COUPON_NOT_ACTIVE', startsAt: null }).message).toBe('This coupon code is not valid yet');
  });

  it('keeps a code when promotions cannot answer, and passes its answer on otherwise', async () => {
    const cart = { channel: 'POS' as const, currencyCode: 'EUR', customerId: null };
    const down = promotionsCouponCheck({ couponCodeCheck: async () => Promise.reject(new Error('connect ECONNREFUSED')) });
    const errors: unknown[] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => errors.push(args);
    try {
      expect(await down('SUMMER', cart)).toEqual({ refusal: null, startsAt: null });
    } finally {
      console.error = original;
    }
    expect(errors).toHaveLength(1);
    const up = promotionsCouponCheck({ couponCodeCheck: async () => ({ refusal: 'COUPON_EXPIRED', startsAt: null }) });
    expect(await up('SUMMER', cart)).toEqual({ refusal: 'COUPON_EXPIRED', startsAt: null });
  });
});
