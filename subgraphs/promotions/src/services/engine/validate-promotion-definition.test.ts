import { describe, expect, it } from 'vitest';
import { promotion } from './test-fixtures';
import type { PromotionAction } from './types';
import { validatePromotionDefinition } from './validate-promotion-definition';

const problemsOf = (action: PromotionAction, catalog = {}) =>
  validatePromotionDefinition(promotion({ id: 'promo_v', action }), catalog).map((p) => [p.field, p.code]);

const target = { kind: 'PRODUCT' as const, ids: ['prod_1'] };

describe('validatePromotionDefinition', () => {
  it('accepts a sound definition of every action', () => {
    const actions: PromotionAction[] = [
      { type: 'ORDER_PERCENT_OFF', percent: 100 },
      { type: 'ORDER_AMOUNT_OFF', amountMinor: 500 },
      { type: 'TIERED_SPEND', tiers: [{ thresholdMinor: 10000, amountOffMinor: 1000 }, { thresholdMinor: 20000, amountOffMinor: 2500 }] },
      { type: 'LINES_PERCENT_OFF', target, percent: 20 },
      { type: 'LINES_AMOUNT_OFF', target, amountMinorPerUnit: 100 },
      { type: 'BUY_X_GET_Y', target, buyQuantity: 1, getQuantity: 1, percent: 100, maxGroups: null },
      { type: 'BUNDLE_FIXED_PRICE', items: [{ target, quantity: 2 }], priceMinor: 1000 },
      { type: 'FREE_SHIPPING' },
      { type: 'GIFT', variantId: 'var_1', quantity: 1 },
    ];
    for (const action of actions) expect(problemsOf(action)).toEqual([]);
  });

  it('refuses a percentage over 100, under 1 or with decimals', () => {
    expect(problemsOf({ type: 'ORDER_PERCENT_OFF', percent: 101 })).toEqual([['action.percent', 'PERCENT_OUT_OF_RANGE']]);
    expect(problemsOf({ type: 'LINES_PERCENT_OFF', target, percent: 0 })).toEqual([['action.percent', 'PERCENT_OUT_OF_RANGE']]);
    expect(problemsOf({ type: 'ORDER_PERCENT_OFF', percent: 12.5 })).toEqual([['action.percent', 'NOT_AN_INTEGER']]);
  });

  it('refuses negative and fractional amounts', () => {
    expect(problemsOf({ type: 'ORDER_AMOUNT_OFF', amountMinor: -1 })).toEqual([['action.amountMinor', 'NEGATIVE']]);
    expect(problemsOf({ type: 'ORDER_AMOUNT_OFF', amountMinor: 0 })).toEqual([['action.amountMinor', 'NOT_POSITIVE']]);
    expect(problemsOf({ type: 'LINES_AMOUNT_OFF', target, amountMinorPerUnit: 1.5 })).toEqual([['action.amountMinorPerUnit', 'NOT_AN_INTEGER']]);
    const negativeMinimum = promotion({ id: 'p', conditions: [{ type: 'MIN_SUBTOTAL', amountMinor: -100 }], budgetMinor: -5 });
    expect(validatePromotionDefinition(negativeMinimum).map((p) => [p.field, p.code])).toEqual([
      ['budgetMinor', 'NEGATIVE'],
      ['conditions[0].amountMinor', 'NEGATIVE'],
    ]);
  });

  it('refuses buy X get 0', () => {
    expect(problemsOf({ type: 'BUY_X_GET_Y', target, buyQuantity: 2, getQuantity: 0, percent: 100, maxGroups: null })).toEqual([['action.getQuantity', 'NOT_POSITIVE']]);
  });

  it('refuses a gift without a variant, or of an unknown one', () => {
    expect(problemsOf({ type: 'GIFT', variantId: ' ', quantity: 1 })).toEqual([['action.variantId', 'REQUIRED']]);
    expect(problemsOf({ type: 'GIFT', variantId: 'var_x', quantity: 1 }, { variantExists: (id: string) => id === 'var_1' })).toEqual([['action.variantId', 'UNKNOWN_VARIANT']]);
  });

  it('refuses tiers that do not ascend', () => {
    expect(
      problemsOf({ type: 'TIERED_SPEND', tiers: [{ thresholdMinor: 20000, amountOffMinor: 2500 }, { thresholdMinor: 10000, amountOffMinor: 1000 }] }),
    ).toEqual([
      ['action.tiers[1].thresholdMinor', 'NOT_ASCENDING'],
      ['action.tiers[1].amountOffMinor', 'NOT_ASCENDING'],
    ]);
    expect(problemsOf({ type: 'TIERED_SPEND', tiers: [] })).toEqual([['action.tiers', 'EMPTY']]);
  });

  it('refuses a bundle priced at or above its items when the catalog knows their prices', () => {
    const catalog = { unitPriceMinorOf: (id: string) => (id === 'var_1' ? 1500 : 2500) };
    const items = [{ target: { kind: 'VARIANT' as const, ids: ['var_1'] }, quantity: 2 }, { target: { kind: 'VARIANT' as const, ids: ['var_2'] }, quantity: 1 }];
    expect(problemsOf({ type: 'BUNDLE_FIXED_PRICE', items, priceMinor: 5500 }, catalog)).toEqual([['action.priceMinor', 'BUNDLE_PRICE_NOT_BELOW_ITEMS']]);
    expect(problemsOf({ type: 'BUNDLE_FIXED_PRICE', items, priceMinor: 5499 }, catalog)).toEqual([]);
    expect(problemsOf({ type: 'BUNDLE_FIXED_PRICE', items: [], priceMinor: 100 })).toEqual([['action.items', 'EMPTY']]);
  });

  it('refuses empty targets, an end before the start, a bad currency, zero limits and a nameless best-deal group', () => {
    const definition = promotion({
      id: 'p',
      currencyCode: 'eur',
      startsAt: new Date('2026-12-01T00:00:00Z'),
      endsAt: new Date('2026-12-01T00:00:00Z'),
      usageLimit: 0,
      usageLimitPerCustomer: 0,
      conditions: [{ type: 'CART_CONTAINS', target: { kind: 'CATEGORY', ids: [] }, minQuantity: 0 }, { type: 'CUSTOMER_SEGMENT', segments: [] }],
      stacking: { mode: 'BEST_DEAL', group: '', combinesWith: { order: true, product: true, shipping: true } },
    });
    expect(validatePromotionDefinition(definition).map((p) => [p.field, p.code])).toEqual([
      ['currencyCode', 'INVALID_CURRENCY'],
      ['endsAt', 'ENDS_BEFORE_START'],
      ['usageLimit', 'NOT_POSITIVE'],
      ['usageLimitPerCustomer', 'NOT_POSITIVE'],
      ['stacking.group', 'REQUIRED'],
      ['conditions[0].target.ids', 'EMPTY'],
      ['conditions[0].minQuantity', 'NOT_POSITIVE'],
      ['conditions[1].segments', 'EMPTY'],
    ]);
  });
});
