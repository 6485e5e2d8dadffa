import { describe, expect, it } from 'vitest';
import { isPromotionApplicable, percentOfMinor, priceCart, type PromotionRule } from './promotion-engine';

const now = new Date('2026-11-23T12:00:00.000Z');

function promotion(overrides: Partial<PromotionRule> & Pick<PromotionRule, 'id'>): PromotionRule {
  return {
    name: `Promotion ${overrides.id}`,
    kind: 'PERCENTAGE_OFF_ORDER',
    percentOff: 10,
    amountOffMinor: null,
    minimumSubtotalMinor: null,
    currencyCode: 'EUR',
    channels: [],
    startsAt: null,
    endsAt: null,
    status: 'ACTIVE',
    ...overrides,
  };
}

const tenPercentOver50 = promotion({ id: 'promo_01', name: '10% off over 50', percentOff: 10, minimumSubtotalMinor: 5000 });
const posFiveOff = promotion({
  id: 'promo_02',
  name: '5 EUR off in store',
  kind: 'FIXED_AMOUNT_OFF_ORDER',
  percentOff: null,
  amountOffMinor: 500,
  minimumSubtotalMinor: 3000,
  channels: ['POS'],
});

describe('percentOfMinor', () => {
  it('rounds half up to a whole minor unit', () => {
    expect(percentOfMinor(1005, 10)).toBe(101); // 100.5 → 101
    expect(percentOfMinor(1004, 10)).toBe(100); // 100.4 → 100
    expect(percentOfMinor(1, 50)).toBe(1); // 0.5 → 1
    expect(percentOfMinor(1, 49)).toBe(0);
    expect(percentOfMinor(12000, 10)).toBe(1200);
  });

  it('stays exact beyond the range where floats lose cents', () => {
    expect(percentOfMinor(Number.MAX_SAFE_INTEGER, 100)).toBe(Number.MAX_SAFE_INTEGER);
    expect(percentOfMinor(9_007_199_254_740_991, 10)).toBe(900_719_925_474_099);
  });
});

describe('isPromotionApplicable', () => {
  const cart = { channel: 'WEB', subtotalMinor: 6000, currencyCode: 'EUR' };

  it('requires ACTIVE status', () => {
    expect(isPromotionApplicable(tenPercentOver50, cart, now)).toBe(true);
    expect(isPromotionApplicable({ ...tenPercentOver50, status: 'PAUSED' }, cart, now)).toBe(false);
    expect(isPromotionApplicable({ ...tenPercentOver50, status: 'ARCHIVED' }, cart, now)).toBe(false);
  });

  it('honours the channel scope, empty meaning every channel', () => {
    expect(isPromotionApplicable(posFiveOff, cart, now)).toBe(false);
    expect(isPromotionApplicable(posFiveOff, { ...cart, channel: 'POS' }, now)).toBe(true);
    expect(isPromotionApplicable(tenPercentOver50, { ...cart, channel: 'MARKETPLACE' }, now)).toBe(true);
  });

  it('applies from startsAt inclusive to endsAt exclusive', () => {
    const windowed = { ...tenPercentOver50, startsAt: now, endsAt: new Date(now.getTime() + 1000) };
    expect(isPromotionApplicable(windowed, cart, now)).toBe(true);
    expect(isPromotionApplicable(windowed, cart, new Date(now.getTime() - 1))).toBe(false);
    expect(isPromotionApplicable(windowed, cart, new Date(now.getTime() + 999))).toBe(true);
    expect(isPromotionApplicable(windowed, cart, new Date(now.getTime() + 1000))).toBe(false);
  });

  it('requires the cart currency', () => {
    expect(isPromotionApplicable(tenPercentOver50, { ...cart, currencyCode: 'USD' }, now)).toBe(false);
  });

  it('requires the minimum subtotal, reaching it exactly is enough', () => {
    expect(isPromotionApplicable(tenPercentOver50, { ...cart, subtotalMinor: 4999 }, now)).toBe(false);
    expect(isPromotionApplicable(tenPercentOver50, { ...cart, subtotalMinor: 5000 }, now)).toBe(true);
  });
});

describe('priceCart', () => {
  it('gives 10% off a 120.00 EUR web cart', () => {
    const pricing = priceCart([tenPercentOver50, posFiveOff], { channel: 'WEB', subtotalMinor: 12000, currencyCode: 'EUR' }, now);
    expect(pricing.discounts.map((d) => [d.promotion.id, d.title, d.amountMinor])).toEqual([['promo_01', '10% off over 50', 1200]]);
    expect(pricing.discountTotalMinor).toBe(1200);
    expect(pricing.totalMinor).toBe(10800);
  });

  it('stacks the POS promotion on the same subtotal, not on what is left', () => {
    const pricing = priceCart([posFiveOff, tenPercentOver50], { channel: 'POS', subtotalMinor: 12000, currencyCode: 'EUR' }, now);
    expect(pricing.discounts.map((d) => [d.promotion.id, d.amountMinor])).toEqual([
      ['promo_01', 1200],
      ['promo_02', 500],
    ]);
    expect(pricing.discountTotalMinor).toBe(1700);
    expect(pricing.totalMinor).toBe(10300);
  });

  it('gives nothing below every minimum', () => {
    const pricing = priceCart([tenPercentOver50, posFiveOff], { channel: 'WEB', subtotalMinor: 4000, currencyCode: 'EUR' }, now);
    expect(pricing).toEqual({ currencyCode: 'EUR', discounts: [], discountTotalMinor: 0, totalMinor: 4000 });
  });

  it('never takes off more than the subtotal and drops discounts capped to nothing', () => {
    const big = promotion({ id: 'promo_a', kind: 'FIXED_AMOUNT_OFF_ORDER', percentOff: null, amountOffMinor: 2500 });
    const bigger = promotion({ id: 'promo_b', kind: 'FIXED_AMOUNT_OFF_ORDER', percentOff: null, amountOffMinor: 9000 });
    const percent = promotion({ id: 'promo_c', percentOff: 100 });
    const pricing = priceCart([percent, bigger, big], { channel: 'WEB', subtotalMinor: 3000, currencyCode: 'EUR' }, now);
    expect(pricing.discounts.map((d) => [d.promotion.id, d.amountMinor])).toEqual([
      ['promo_a', 2500],
      ['promo_b', 500],
    ]);
    expect(pricing.discountTotalMinor).toBe(3000);
    expect(pricing.totalMinor).toBe(0);
  });

  it('is deterministic whatever order the promotions arrive in', () => {
    const all = [tenPercentOver50, posFiveOff, promotion({ id: 'promo_00', percentOff: 3 })];
    const cart = { channel: 'POS', subtotalMinor: 8888, currencyCode: 'EUR' };
    const first = priceCart(all, cart, now);
    expect(priceCart([...all].reverse(), cart, now)).toEqual(first);
    expect(first.discounts.map((d) => d.promotion.id)).toEqual(['promo_00', 'promo_01', 'promo_02']);
  });

  it('gives nothing on an empty cart', () => {
    const pricing = priceCart([promotion({ id: 'promo_x', percentOff: 50 })], { channel: 'WEB', subtotalMinor: 0, currencyCode: 'EUR' }, now);
    expect(pricing).toEqual({ currencyCode: 'EUR', discounts: [], discountTotalMinor: 0, totalMinor: 0 });
  });
});
