import { describe, expect, it } from 'vitest';
import { allocateReversal, pointsEarnedForOrder, pointsToReverse, splitReversal, type OrderEarnings } from './loyalty-earn-rules';

describe('pointsEarnedForOrder', () => {
  it('earns per whole currency unit paid in money, nothing for a fraction', () => {
    expect(pointsEarnedForOrder(12_999, 2, 5)).toBe(645); // 129.99 EUR → 129 whole euros
    expect(pointsEarnedForOrder(99, 2, 5)).toBe(0);
    expect(pointsEarnedForOrder(0, 2, 5)).toBe(0);
    expect(pointsEarnedForOrder(500_000, 2, 5)).toBe(25_000); // 5,000.00 RUB: per ruble the same
    expect(pointsEarnedForOrder(1_000, 0, 5)).toBe(5_000); // a currency without minor units
    expect(pointsEarnedForOrder(12_999, 2, 10)).toBe(1_290);
  });
});

describe('pointsToReverse', () => {
  const order: OrderEarnings = { earnedPoints: 500, moneyPaidMinor: 10_000, refundedMoneyMinor: 0, reversedPoints: 0 };

  it('takes back earned points in proportion to the money refunded, rounded down', () => {
    expect(pointsToReverse(order, 2_500)).toEqual({ points: 125, refundedMoneyMinor: 2_500 });
    expect(pointsToReverse({ ...order, earnedPoints: 7, moneyPaidMinor: 300 }, 100)).toEqual({ points: 2, refundedMoneyMinor: 100 });
    expect(pointsToReverse(order, 10_000).points).toBe(500);
  });

  it('adds up partial returns to exactly what the order earned, never more', () => {
    // 7 points on 3.00: three returns of 1.00 each would take 2 + 2 + 2 rounded one by one;
    // on the running total they take 2, 2 and 3.
    let state: OrderEarnings = { earnedPoints: 7, moneyPaidMinor: 300, refundedMoneyMinor: 0, reversedPoints: 0 };
    const taken: number[] = [];
    for (const refund of [100, 100, 100]) {
      const { points, refundedMoneyMinor } = pointsToReverse(state, refund);
      taken.push(points);
      state = { ...state, refundedMoneyMinor, reversedPoints: state.reversedPoints + points };
    }
    expect(taken).toEqual([2, 2, 3]);
    expect(pointsToReverse(state, 100)).toEqual({ points: 0, refundedMoneyMinor: 400 });
  });

  it('takes nothing when the order earned nothing or was paid only with points', () => {
    expect(pointsToReverse({ ...order, earnedPoints: 0 }, 5_000).points).toBe(0);
    expect(pointsToReverse({ earnedPoints: 0, moneyPaidMinor: 0, refundedMoneyMinor: 0, reversedPoints: 0 }, 0).points).toBe(0);
  });

  it('stays exact beyond 2^53 in the intermediate product', () => {
    expect(pointsToReverse({ earnedPoints: 50_000_000, moneyPaidMinor: 1_000_000_000_000, refundedMoneyMinor: 0, reversedPoints: 0 }, 333_333_333_333).points).toBe(16_666_666);
  });
});

describe('reversal against the balance', () => {
  const lot = (id: string, remaining: number, orderId: string | null, days: number | null) => ({ id, remaining, orderId, expiresAt: days === null ? null : new Date(Date.UTC(2030, 0, 1 + days)) });

  it('never takes more than the balance holds: the rest is forgiven', () => {
    expect(splitReversal(100, 40)).toEqual({ reversed: 40, unreversed: 60 });
    expect(splitReversal(100, 0)).toEqual({ reversed: 0, unreversed: 100 });
    expect(splitReversal(30, 40)).toEqual({ reversed: 30, unreversed: 0 });
  });

  it('takes from the returned order\'s own lot first, then the lots expiring first', () => {
    const lots = [lot('loy_a', 50, null, 10), lot('loy_b', 30, 'ord_x', 300), lot('loy_c', 50, null, 5)];
    expect(allocateReversal(lots, 100, 'ord_x', 130)).toEqual({
      takes: [{ id: 'loy_b', take: 30 }, { id: 'loy_c', take: 50 }, { id: 'loy_a', take: 20 }],
      reversed: 100,
      unreversed: 0,
    });
    expect(allocateReversal(lots, 200, 'ord_x', 130)).toMatchObject({ reversed: 130, unreversed: 70 });
    expect(allocateReversal([], 10, 'ord_x', 0)).toEqual({ takes: [], reversed: 0, unreversed: 10 });
  });
});
