import { describe, expect, it } from 'vitest';
import { mergeCouponCodes, normalizeCouponCode, planCouponApply, planCouponRemoval } from './coupon-codes';

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
});
