import { describe, expect, it } from 'vitest';
import { allocateByLargestRemainder, percentOfMinor, timesCapped } from './money';
import { normalizeCouponCode } from './coupon-codes';

describe('percentOfMinor', () => {
  it('rounds half up to a whole minor unit', () => {
    expect(percentOfMinor(1005, 10)).toBe(101);
    expect(percentOfMinor(1004, 10)).toBe(100);
    expect(percentOfMinor(1, 50)).toBe(1);
    expect(percentOfMinor(1, 49)).toBe(0);
  });

  it('stays exact where a float product would lose cents', () => {
    expect(percentOfMinor(Number.MAX_SAFE_INTEGER, 100)).toBe(Number.MAX_SAFE_INTEGER);
    expect(percentOfMinor(9_007_199_254_740_991, 10)).toBe(900_719_925_474_099);
  });
});

describe('timesCapped', () => {
  it('caps a product that would pass the safe range', () => {
    expect(timesCapped(Number.MAX_SAFE_INTEGER, 3, 1000)).toBe(1000);
    expect(timesCapped(250, 3, 1000)).toBe(750);
  });
});

describe('allocateByLargestRemainder', () => {
  it('gives each line its floor, then the leftover units to the largest remainders', () => {
    // 100 over 1:1:1 → 33.33 each; one unit left goes to the first line id on a tie.
    expect(allocateByLargestRemainder(100, [{ lineId: 'b', weightMinor: 10 }, { lineId: 'a', weightMinor: 10 }, { lineId: 'c', weightMinor: 10 }])).toEqual([33, 34, 33]);
    // 10 over 1:2 → 3.33 / 6.67: the larger remainder gets the unit.
    expect(allocateByLargestRemainder(10, [{ lineId: 'a', weightMinor: 100 }, { lineId: 'b', weightMinor: 200 }])).toEqual([3, 7]);
  });

  it('sums exactly and never gives a line more than its weight', () => {
    const weights = [1, 1, 1, 7].map((weightMinor, i) => ({ lineId: `l${i}`, weightMinor }));
    const shares = allocateByLargestRemainder(10, weights);
    expect(shares).toEqual([1, 1, 1, 7]);
    expect(allocateByLargestRemainder(3, weights).reduce((a, b) => a + b)).toBe(3);
  });

  it('gives nothing to zero weights and nothing at all when there is no weight', () => {
    expect(allocateByLargestRemainder(5, [{ lineId: 'a', weightMinor: 0 }, { lineId: 'b', weightMinor: 9 }])).toEqual([0, 5]);
    expect(allocateByLargestRemainder(5, [{ lineId: 'a', weightMinor: 0 }])).toEqual([0]);
  });
});

describe('normalizeCouponCode', () => {
  it('ignores case and surrounding spaces', () => {
    expect(normalizeCouponCode('  welcome10 ')).toBe('WELCOME10');
  });
});
