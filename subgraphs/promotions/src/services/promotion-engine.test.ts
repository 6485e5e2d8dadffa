import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allocateDiscounts, allocateProportionally, isPromotionApplicable, percentOfMinor, priceCart, type LineToPrice, type PromotionRule } from './promotion-engine';

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
    expect(pricing).toEqual({ currencyCode: 'EUR', discounts: [], discountTotalMinor: 0, totalMinor: 4000, lines: [] });
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
    expect(pricing).toEqual({ currencyCode: 'EUR', discounts: [], discountTotalMinor: 0, totalMinor: 0, lines: [] });
  });
});

describe('allocateProportionally', () => {
  it('rounds every share down and gives the units left to the largest rests', () => {
    // 100 over 1:1:1 → 33.33 each; one unit left, all rests equal, so the smallest key takes it.
    expect(allocateProportionally(100, [{ key: 'b', weight: 1 }, { key: 'a', weight: 1 }, { key: 'c', weight: 1 }])).toEqual([33, 34, 33]);
    // 10 over 7:3 → 7 and 3 exactly.
    expect(allocateProportionally(10, [{ key: 'a', weight: 7 }, { key: 'b', weight: 3 }])).toEqual([7, 3]);
    // 5 over 2:1 → 3.33 / 1.67: the larger rest (0.67) takes the unit left.
    expect(allocateProportionally(5, [{ key: 'a', weight: 2 }, { key: 'b', weight: 1 }])).toEqual([3, 2]);
  });

  it('gives nothing to a weight of zero and nothing at all when there is nothing to share', () => {
    expect(allocateProportionally(3, [{ key: 'a', weight: 0 }, { key: 'b', weight: 5 }])).toEqual([0, 3]);
    expect(allocateProportionally(0, [{ key: 'a', weight: 4 }])).toEqual([0]);
    expect(allocateProportionally(0, [{ key: 'a', weight: 0 }])).toEqual([0]);
  });
});

describe('allocateDiscounts', () => {
  const demoLines: LineToPrice[] = [
    { lineId: 'line_1', quantity: 1, unitPriceMinor: 12_990 },
    { lineId: 'line_2', quantity: 2, unitPriceMinor: 3_990 },
    { lineId: 'line_3', quantity: 1, unitPriceMinor: 6_190 },
  ];

  it('splits 10% of a 271.60 cart over its lines in proportion to their value', () => {
    const pricing = priceCart([tenPercentOver50], { channel: 'WEB', subtotalMinor: 27_160, currencyCode: 'EUR', lines: demoLines }, now);
    expect(pricing.discountTotalMinor).toBe(2_716);
    expect(pricing.lines.map((line) => [line.lineId, line.discountMinor])).toEqual([
      ['line_1', 1_299],
      ['line_2', 798],
      ['line_3', 619],
    ]);
    expect(pricing.lines[0]!.byPromotion).toEqual([{ promotionId: 'promo_01', amountMinor: 1_299 }]);
  });

  it('allocates stacked discounts that take the whole subtotal without overdrawing any line', () => {
    const half = (id: string) => promotion({ id, percentOff: 50 });
    const lines = [{ lineId: 'a', quantity: 1, unitPriceMinor: 1 }, { lineId: 'b', quantity: 1, unitPriceMinor: 1 }];
    const pricing = priceCart([half('promo_1'), half('promo_2')], { channel: 'WEB', subtotalMinor: 2, currencyCode: 'EUR', lines }, now);
    expect(pricing.lines.map((line) => line.discountMinor)).toEqual([1, 1]);
  });

  it('always sums exactly, never overdraws a line and ignores the order lines arrive in', () => {
    const lineArb = fc.record({ quantity: fc.integer({ min: 1, max: 999 }), unitPriceMinor: fc.integer({ min: 0, max: 500_000 }) });
    const promotionArb = fc.oneof(
      fc.integer({ min: 1, max: 100 }).map((percentOff) => ({ kind: 'PERCENTAGE_OFF_ORDER' as const, percentOff, amountOffMinor: null })),
      fc.integer({ min: 1, max: 1_000_000 }).map((amountOffMinor) => ({ kind: 'FIXED_AMOUNT_OFF_ORDER' as const, percentOff: null, amountOffMinor })),
    );
    fc.assert(
      fc.property(fc.array(lineArb, { minLength: 1, maxLength: 30 }), fc.array(promotionArb, { maxLength: 5 }), (rawLines, rules) => {
        const lines = rawLines.map((line, index) => ({ lineId: `line_${String(index).padStart(2, '0')}`, ...line }));
        const promotions = rules.map((rule, index) => promotion({ id: `promo_${index}`, ...rule }));
        const subtotalMinor = lines.reduce((sum, line) => sum + line.quantity * line.unitPriceMinor, 0);
        const pricing = priceCart(promotions, { channel: 'WEB', subtotalMinor, currencyCode: 'EUR', lines }, now);
        expect(pricing.lines.reduce((sum, line) => sum + line.discountMinor, 0)).toBe(pricing.discountTotalMinor);
        pricing.discounts.forEach((discount) => {
          const shares = pricing.lines.flatMap((line) => line.byPromotion.filter((share) => share.promotionId === discount.promotion.id));
          expect(shares.reduce((sum, share) => sum + share.amountMinor, 0)).toBe(discount.amountMinor);
        });
        pricing.lines.forEach((line, index) => {
          expect(line.discountMinor).toBeGreaterThanOrEqual(0);
          expect(line.discountMinor).toBeLessThanOrEqual(lines[index]!.quantity * lines[index]!.unitPriceMinor);
        });
        const reversed = allocateDiscounts(pricing.discounts, [...lines].reverse());
        expect([...reversed].reverse()).toEqual(pricing.lines);
      }),
    );
  });
});
