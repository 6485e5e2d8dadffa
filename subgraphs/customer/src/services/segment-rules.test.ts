import { describe, expect, it } from 'vitest';
import { computeSegments } from './segment-rules';

const none = { orders: 0, spendByCurrency: {}, loyaltyTier: 'BASIC', engagedProductIds: [] };

describe('computeSegments', () => {
  it('puts a profile without facts in no segment', () => {
    expect(computeSegments(none)).toEqual([]);
  });
  it('tells first-time from repeat buyers and spots high spenders per currency', () => {
    expect(computeSegments({ ...none, orders: 1, spendByCurrency: { EUR: 49_999 } }).map((s) => s.kind)).toEqual(['FIRST_TIME_BUYER']);
    expect(computeSegments({ ...none, orders: 3, spendByCurrency: { EUR: 50_000 } }).map((s) => s.kind)).toEqual(['REPEAT_BUYER', 'HIGH_SPENDER']);
    expect(computeSegments({ ...none, orders: 2, spendByCurrency: { RUB: 60_000, XYZ: 10 ** 9 } }).map((s) => s.kind)).toEqual(['REPEAT_BUYER']);
  });
  it('adds the loyalty and per-product segments', () => {
    expect(computeSegments({ ...none, loyaltyTier: 'PLATINUM', engagedProductIds: ['prod_b', 'prod_a'] })).toEqual([
      { kind: 'LOYALTY_GOLD', productId: null },
      { kind: 'ENGAGED_WITH_PRODUCT', productId: 'prod_a' },
      { kind: 'ENGAGED_WITH_PRODUCT', productId: 'prod_b' },
    ]);
  });
});
