import { describe, expect, it } from 'vitest';
import { quoteCart } from './quote-cart';
import { input, line, promotion } from './test-fixtures';
import type { CartPricingResult, LineTarget } from './types';

const allocations = (result: CartPricingResult) => result.applied.map((a) => [a.promotionId, a.amountMinor, a.lineAllocations.map((l) => [l.lineId, l.amountMinor])]);
const shirts: LineTarget = { kind: 'CATEGORY', ids: ['cat_shirts'] };
const shirt = (lineId: string, price: number, quantity = 1) => line(lineId, price, quantity, { categoryIds: ['cat_shirts'] });

describe('quoteCart: order actions', () => {
  it('takes a percentage off the order and allocates it in proportion to the lines', () => {
    const result = quoteCart(input([promotion({ id: 'p', action: { type: 'ORDER_PERCENT_OFF', percent: 10 } })]));
    expect(allocations(result)).toEqual([['p', 1000, [['a', 600], ['b', 400]]]]);
    expect(result).toMatchObject({ subtotalMinor: 10000, lineDiscountTotalMinor: 1000, discountTotalMinor: 1000, totalMinor: 9000 });
    expect(result.lines.map((l) => [l.lineId, l.discountMinor, l.totalMinor])).toEqual([['a', 600, 5400], ['b', 400, 3600]]);
  });

  it('rounds the percentage half up once, then hands the leftover unit to the largest remainder', () => {
    const lines = [line('a', 3333), line('b', 3333), line('c', 3339)];
    const result = quoteCart(input([promotion({ id: 'p', action: { type: 'ORDER_PERCENT_OFF', percent: 15 } })], { lines }));
    // 15 % of 100.05 = 15.0075 → 15.01; shares 4.9995, 4.9995, 5.0085 → 4, 4, 5 then +1 +1 by remainder, ties by line id.
    expect(allocations(result)).toEqual([['p', 1501, [['a', 500], ['b', 500], ['c', 501]]]]);
  });

  it('takes a fixed amount off the order, never more than the order', () => {
    expect(allocations(quoteCart(input([promotion({ id: 'p', action: { type: 'ORDER_AMOUNT_OFF', amountMinor: 500 } })])))).toEqual([['p', 500, [['a', 300], ['b', 200]]]]);
    const all = quoteCart(input([promotion({ id: 'p', action: { type: 'ORDER_AMOUNT_OFF', amountMinor: 50_000 } })]));
    expect([all.discountTotalMinor, all.totalMinor]).toEqual([10000, 0]);
  });

  it('gives the highest spend tier reached: 10 off from 100, 25 off from 200', () => {
    const tiered = promotion({
      id: 'p',
      action: { type: 'TIERED_SPEND', tiers: [{ thresholdMinor: 10000, amountOffMinor: 1000 }, { thresholdMinor: 20000, amountOffMinor: 2500 }] },
    });
    expect(quoteCart(input([tiered])).discountTotalMinor).toBe(1000);
    expect(quoteCart(input([tiered], { lines: [line('a', 19999)] })).discountTotalMinor).toBe(1000);
    expect(quoteCart(input([tiered], { lines: [line('a', 20000), line('b', 500)] })).discountTotalMinor).toBe(2500);
    expect(quoteCart(input([tiered], { lines: [line('a', 9000)] })).explanations).toEqual([
      { promotionId: 'p', name: 'Promotion p', outcome: 'NOT_APPLIED', reasons: [{ code: 'MIN_SUBTOTAL_NOT_MET', missingMinor: 1000 }] },
    ]);
  });
});

describe('quoteCart: line actions', () => {
  const lines = [shirt('s1', 3000), line('t1', 5000), shirt('s2', 2000, 2)];

  it('takes a percentage off matching lines only', () => {
    const result = quoteCart(input([promotion({ id: 'p', action: { type: 'LINES_PERCENT_OFF', target: shirts, percent: 20 } })], { lines }));
    expect(allocations(result)).toEqual([['p', 1400, [['s1', 600], ['s2', 800]]]]);
  });

  it('takes a fixed amount off every matching unit, never more than the line', () => {
    const byVariant = promotion({ id: 'p', action: { type: 'LINES_AMOUNT_OFF', target: { kind: 'VARIANT', ids: ['var_s2', 'var_t1'] }, amountMinorPerUnit: 2500 } });
    expect(allocations(quoteCart(input([byVariant], { lines })))).toEqual([['p', 6500, [['t1', 2500], ['s2', 4000]]]]);
  });

  it('gives "2 for 1": the cheapest unit of each pair is free, repeated per pair', () => {
    const twoForOne = promotion({ id: 'p', action: { type: 'BUY_X_GET_Y', target: shirts, buyQuantity: 1, getQuantity: 1, percent: 100, maxGroups: null } });
    // Units 30, 20, 20: one full pair, the cheapest unit (20, line s2) is free.
    expect(allocations(quoteCart(input([twoForOne], { lines })))).toEqual([['p', 2000, [['s2', 2000]]]]);
    // Units 30, 20, 20, 10: two pairs, the two cheapest (10 and 20) are free.
    const four = [...lines, shirt('s3', 1000)];
    expect(allocations(quoteCart(input([twoForOne], { lines: four })))).toEqual([['p', 3000, [['s2', 2000], ['s3', 1000]]]]);
  });

  it('gives buy 2 get 1 at 50 %, at most maxGroups times', () => {
    const lines6 = [shirt('s1', 1000, 6)];
    const action = { type: 'BUY_X_GET_Y' as const, target: shirts, buyQuantity: 2, getQuantity: 1, percent: 50, maxGroups: null };
    expect(quoteCart(input([promotion({ id: 'p', action })], { lines: lines6 })).discountTotalMinor).toBe(1000);
    expect(quoteCart(input([promotion({ id: 'p', action: { ...action, maxGroups: 1 } })], { lines: lines6 })).discountTotalMinor).toBe(500);
  });

  it('says how many units a multi-buy still needs', () => {
    const twoForOne = promotion({ id: 'p', action: { type: 'BUY_X_GET_Y', target: shirts, buyQuantity: 2, getQuantity: 1, percent: 100, maxGroups: null } });
    expect(quoteCart(input([twoForOne], { lines: [shirt('s1', 1000)] })).explanations[0]).toMatchObject({
      outcome: 'NOT_APPLIED',
      reasons: [{ code: 'PRODUCTS_NOT_IN_CART', missing: [{ target: shirts, quantityMissing: 2 }] }],
    });
  });

  it('prices a complete bundle at its set price and allocates the saving over its units', () => {
    const bundle = promotion({
      id: 'p',
      action: { type: 'BUNDLE_FIXED_PRICE', items: [{ target: shirts, quantity: 1 }, { target: { kind: 'PRODUCT', ids: ['prod_t1'] }, quantity: 1 }], priceMinor: 5000 },
    });
    // The dearest shirt (30) and the trousers (50) make the set: 80 for 50 saves 30, split 30:50.
    expect(allocations(quoteCart(input([bundle], { lines })))).toEqual([['p', 3000, [['s1', 1125], ['t1', 1875]]]]);
    expect(quoteCart(input([bundle], { lines: [shirt('s1', 3000)] })).explanations[0]).toMatchObject({
      reasons: [{ code: 'PRODUCTS_NOT_IN_CART', missing: [{ target: { kind: 'PRODUCT', ids: ['prod_t1'] }, quantityMissing: 1 }] }],
    });
  });

  it('builds as many bundles as the cart fills, sharing units between overlapping items', () => {
    const pairOfShirts = promotion({ id: 'p', action: { type: 'BUNDLE_FIXED_PRICE', items: [{ target: shirts, quantity: 1 }, { target: shirts, quantity: 1 }], priceMinor: 4000 } });
    // Three shirt units make one pair, not one and a half: 30 + 20 for 40.
    expect(allocations(quoteCart(input([pairOfShirts], { lines: [shirt('s1', 3000), shirt('s2', 2000, 2)] })))).toEqual([['p', 1000, [['s1', 600], ['s2', 400]]]]);
  });
});

describe('quoteCart: shipping and gifts', () => {
  it('waives the shipping fee and counts it in the total', () => {
    const result = quoteCart(input([promotion({ id: 'p', action: { type: 'FREE_SHIPPING' } })], { shippingMinor: 495 }));
    expect(result.applied).toEqual([
      { promotionId: 'p', name: 'Promotion p', discountClass: 'SHIPPING', amountMinor: 495, lineAllocations: [], shippingDiscountMinor: 495, couponCode: null },
    ]);
    expect(result).toMatchObject({ shippingMinor: 495, shippingDiscountMinor: 495, lineDiscountTotalMinor: 0, discountTotalMinor: 495, totalMinor: 10000 });
    const noFee = quoteCart(input([promotion({ id: 'p', action: { type: 'FREE_SHIPPING' } })]));
    expect(noFee.explanations[0]).toMatchObject({ outcome: 'NOT_APPLIED', reasons: [{ code: 'NOTHING_TO_DISCOUNT' }] });
  });

  it('lists a gift the cart must hold, and discounts it once it is there', () => {
    const gift = promotion({ id: 'p', action: { type: 'GIFT', variantId: 'var_tote', quantity: 1 } });
    const without = quoteCart(input([gift]));
    expect(without.gifts).toEqual([{ promotionId: 'p', variantId: 'var_tote', quantity: 1, quantityInCart: 0, discountMinor: 0 }]);
    expect(without.explanations[0]).toMatchObject({ outcome: 'APPLIED', amountMinor: 0 });
    expect(without.totalMinor).toBe(10000);

    const withTote = quoteCart(input([gift], { lines: [line('a', 6000), line('tote', 900, 2, { variantId: 'var_tote' })] }));
    expect(withTote.gifts).toEqual([{ promotionId: 'p', variantId: 'var_tote', quantity: 1, quantityInCart: 2, discountMinor: 900 }]);
    expect(allocations(withTote)).toEqual([['p', 900, [['tote', 900]]]]);
  });
});

describe('quoteCart: sequence, caps and coupons', () => {
  it('computes each discount on what earlier ones left, highest priority first', () => {
    const tenOff = promotion({ id: 'p_b', priority: 5, action: { type: 'ORDER_AMOUNT_OFF', amountMinor: 1000 } });
    const percent = promotion({ id: 'p_a', priority: 1, action: { type: 'ORDER_PERCENT_OFF', percent: 50 } });
    const result = quoteCart(input([percent, tenOff]));
    expect(result.applied.map((a) => [a.promotionId, a.amountMinor])).toEqual([['p_b', 1000], ['p_a', 4500]]);
    expect(result.totalMinor).toBe(4500);
  });

  it('never takes a line below zero however much stacks', () => {
    const result = quoteCart(
      input([
        promotion({ id: 'p1', action: { type: 'ORDER_PERCENT_OFF', percent: 90 } }),
        promotion({ id: 'p2', action: { type: 'LINES_AMOUNT_OFF', target: { kind: 'PRODUCT', ids: ['prod_a'] }, amountMinorPerUnit: 9000 } }),
        promotion({ id: 'p3', action: { type: 'ORDER_AMOUNT_OFF', amountMinor: 9000 } }),
      ]),
    );
    expect(result.lines.map((l) => l.totalMinor)).toEqual([0, 0]);
    expect(result.totalMinor).toBe(0);
  });

  it('caps a saving by what is left of the campaign budget', () => {
    const budgeted = promotion({ id: 'p', budgetMinor: 100_000, action: { type: 'ORDER_PERCENT_OFF', percent: 10 } });
    const result = quoteCart(input([budgeted], {}, { promotions: [{ promotionId: 'p', totalUses: 40, customerUses: 0, budgetSpentMinor: 99_700 }] }));
    expect(allocations(result)).toEqual([['p', 300, [['a', 180], ['b', 120]]]]);
  });

  it('applies a coupon promotion with its code in any case, and reports it', () => {
    const coupon = promotion({ id: 'p', requiresCoupon: true });
    const result = quoteCart(input([coupon], { couponCodes: [' welcome10 '] }, { coupons: [{ code: 'WELCOME10', state: { status: 'VALID', promotionId: 'p' } }] }));
    expect(result.applied.map((a) => [a.promotionId, a.couponCode])).toEqual([['p', 'WELCOME10']]);
    expect(result.unmatchedCoupons).toEqual([]);
  });

  it('throws on malformed input rather than guessing', () => {
    expect(() => quoteCart(input([promotion({ id: 'p' }), promotion({ id: 'p' })]))).toThrow(RangeError);
    expect(() => quoteCart(input([], { lines: [line('a', 100), line('a', 200)] }))).toThrow(RangeError);
    expect(() => quoteCart(input([], { lines: [line('a', 100, 0)] }))).toThrow(RangeError);
    expect(() => quoteCart(input([], { lines: [line('a', 10.5)] }))).toThrow(RangeError);
    const twice = { code: 'a', state: { status: 'UNKNOWN' as const } };
    expect(() => quoteCart(input([], {}, { coupons: [twice, { ...twice, code: ' A' }] }))).toThrow(RangeError);
  });
});
