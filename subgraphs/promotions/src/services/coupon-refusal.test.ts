import { describe, expect, it } from 'vitest';
import { couponVerdict } from './coupon-refusal';
import type { NotAppliedReason, PromotionExplanation } from './engine';

const notApplied = (...reasons: [NotAppliedReason, ...NotAppliedReason[]]): PromotionExplanation => ({ promotionId: 'promo_1', name: 'P', outcome: 'NOT_APPLIED', reasons });
const valid = { status: 'VALID', promotionId: 'promo_1' } as const;
const running = { status: 'ACTIVE', currencyCode: 'EUR' } as const;
const verdict = (explanation: PromotionExplanation) => couponVerdict('CODE', valid, { unmatchedCoupons: [], explanations: [explanation] }, running, 'EUR');

describe('couponVerdict', () => {
  it('refuses a code pricing lists as unmatched, for that reason', () => {
    const unmatched = (reason: 'COUPON_UNKNOWN' | 'COUPON_EXPIRED' | 'COUPON_USED_UP' | 'COUPON_NOT_YOURS' | 'NOT_IN_CHANNEL') =>
      couponVerdict('CODE', { status: 'UNKNOWN' }, { unmatchedCoupons: [{ code: 'CODE', reason }], explanations: [] }, null, 'EUR').refusal;
    expect(unmatched('COUPON_UNKNOWN')).toBe('COUPON_UNKNOWN');
    expect(unmatched('COUPON_EXPIRED')).toBe('COUPON_EXPIRED');
    expect(unmatched('COUPON_USED_UP')).toBe('COUPON_USED_UP');
    expect(unmatched('COUPON_NOT_YOURS')).toBe('COUPON_NOT_YOURS');
    expect(unmatched('NOT_IN_CHANNEL')).toBe('COUPON_NOT_IN_CHANNEL');
  });

  it('says what a valid code of a promotion pricing does not load really is', () => {
    const unpriced = (promotion: { status: 'ACTIVE' | 'PAUSED' | 'ARCHIVED'; currencyCode: string } | null) =>
      couponVerdict('CODE', valid, { unmatchedCoupons: [{ code: 'CODE', reason: 'COUPON_UNKNOWN' }], explanations: [] }, promotion, 'EUR').refusal;
    expect(unpriced({ status: 'PAUSED', currencyCode: 'EUR' })).toBe('COUPON_NOT_ACTIVE');
    expect(unpriced({ status: 'ARCHIVED', currencyCode: 'EUR' })).toBe('COUPON_EXPIRED');
    expect(unpriced({ status: 'ACTIVE', currencyCode: 'USD' })).toBe('COUPON_NOT_IN_CHANNEL');
    expect(unpriced(null)).toBe('COUPON_UNKNOWN');
  });

  it('refuses for schedule, channel and limits, with the start of a later promotion', () => {
    const startsAt = new Date('2030-01-01T00:00:00Z');
    expect(verdict(notApplied({ code: 'NOT_STARTED', startsAt }))).toEqual({ refusal: 'COUPON_NOT_ACTIVE', startsAt });
    expect(verdict(notApplied({ code: 'NOT_IN_CHANNEL', channels: ['POS'], couponCode: null })).refusal).toBe('COUPON_NOT_IN_CHANNEL');
    expect(verdict(notApplied({ code: 'USAGE_LIMIT_REACHED', limit: 3 })).refusal).toBe('COUPON_USED_UP');
    expect(verdict(notApplied({ code: 'CUSTOMER_USAGE_LIMIT_REACHED', limit: 1 })).refusal).toBe('COUPON_USED_UP');
    expect(verdict(notApplied({ code: 'BUDGET_EXHAUSTED', budgetMinor: 100 })).refusal).toBe('COUPON_USED_UP');
  });

  it('accepts a code whose promotion only waits for the cart, and names the first lasting reason behind such ones', () => {
    expect(verdict(notApplied({ code: 'MIN_SUBTOTAL_NOT_MET', missingMinor: 500 }))).toEqual({ refusal: null, startsAt: null });
    expect(verdict(notApplied({ code: 'PRODUCTS_NOT_IN_CART', missing: [] }, { code: 'NOT_IN_SEGMENT', segments: ['VIP'] })).refusal).toBeNull();
    expect(verdict(notApplied({ code: 'NOT_AT_LOCATION', locationIds: ['loc_1'] }, { code: 'USAGE_LIMIT_REACHED', limit: 1 })).refusal).toBe('COUPON_USED_UP');
    expect(verdict({ promotionId: 'promo_1', name: 'P', outcome: 'APPLIED', amountMinor: 100, couponCode: 'CODE' }).refusal).toBeNull();
  });
});
