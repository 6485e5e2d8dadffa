import { describe, expect, it } from 'vitest';
import { allocateByLargestRemainder, allocatePoints, splitRefund, type LineTender } from './tender-allocation';
import { refundFor } from './return-plan';

/** A small seeded generator (mulberry32): the property runs below are random but repeatable. */
function seeded(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  return { int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)) };
}

const RUNS = 2_000;

describe('allocateByLargestRemainder', () => {
  it('gives each part the floor of its share, then the rest to the largest remainders', () => {
    // 100 over 1:1:1 → 33.33 each; the one unit left goes to the first of the tied remainders.
    expect(allocateByLargestRemainder(100, [10, 10, 10])).toEqual([34, 33, 33]);
    // 10 over 3:7 → 3 and 7 exactly.
    expect(allocateByLargestRemainder(10, [300, 700])).toEqual([3, 7]);
    // 5 over 1:2:2 → 1, 2, 2 exactly; 6 → 1.2, 2.4, 2.4: floors 1, 2, 2 and the unit to the earlier 0.4.
    expect(allocateByLargestRemainder(6, [100, 200, 200])).toEqual([1, 3, 2]);
  });

  it('gives nothing to parts of no weight and allocates zero as zeros', () => {
    expect(allocateByLargestRemainder(7, [0, 5, 0])).toEqual([0, 7, 0]);
    expect(allocateByLargestRemainder(0, [0, 0])).toEqual([0, 0]);
    expect(() => allocateByLargestRemainder(1, [0, 0])).toThrow(RangeError);
  });

  it('stays exact where amount × weight passes 2^53', () => {
    // Exact shares 3,999,999,999,999.56 and 5,000,000,000,000.44: floors, then the unit to the first.
    expect(allocateByLargestRemainder(9_000_000_000_000, [4_000_000_000_000, 5_000_000_000_001])).toEqual([4_000_000_000_000, 5_000_000_000_000]);
  });

  it('always sums exactly to the amount and never gives a part more than its weight (property)', () => {
    const random = seeded(20_250_101);
    for (let run = 0; run < RUNS; run++) {
      const weights = Array.from({ length: random.int(1, 12) }, () => random.int(0, 200_000));
      const sum = weights.reduce((a, b) => a + b, 0);
      if (sum === 0) continue;
      const amount = random.int(0, sum);
      const shares = allocateByLargestRemainder(amount, weights);
      expect(shares.reduce((a, b) => a + b, 0)).toBe(amount);
      shares.forEach((share, index) => {
        expect(share).toBeGreaterThanOrEqual(0);
        expect(share).toBeLessThanOrEqual(weights[index]!);
        // Within one minor unit of the exact proportional share.
        expect(Math.abs(share - (amount * weights[index]!) / sum)).toBeLessThan(1);
      });
    }
  });
});

describe('allocatePoints', () => {
  it('spreads the points over the lines by what each charged, and over the shipping fee', () => {
    // 30.00 + 10.00 of goods, 5.00 shipping; 900 points pay 20 % of the 45.00 total.
    expect(allocatePoints(900, { linesPaidMinor: [3_000, 1_000], shippingMinor: 500 })).toEqual({ lines: [600, 200], shipping: 100 });
  });

  it('lets points pay everything, each line exactly what it charged', () => {
    expect(allocatePoints(4_500, { linesPaidMinor: [3_000, 1_000], shippingMinor: 500 })).toEqual({ lines: [3_000, 1_000], shipping: 500 });
  });

  it('refuses more points than the total', () => {
    expect(() => allocatePoints(4_501, { linesPaidMinor: [3_000, 1_000], shippingMinor: 500 })).toThrow(RangeError);
  });
});

describe('splitRefund', () => {
  const line: LineTender = { quantity: 3, paidMinor: 1_000, pointsPaid: 400, returnedQuantity: 0, refundedMinor: 0, pointsRefunded: 0 };

  it('gives back the points share of the returned units and refunds the rest as money', () => {
    expect(splitRefund(line, 1, 333)).toEqual({ points: 133, moneyMinor: 200 });
    expect(splitRefund(line, 3, 1_000)).toEqual({ points: 400, moneyMinor: 600 });
  });

  it('refunds money only when no points paid, points only when they paid everything', () => {
    expect(splitRefund({ ...line, pointsPaid: 0 }, 2, 666)).toEqual({ points: 0, moneyMinor: 666 });
    expect(splitRefund({ ...line, pointsPaid: 1_000 }, 2, 666)).toEqual({ points: 666, moneyMinor: 0 });
  });

  it('never makes a part negative where the floors of points and money diverge', () => {
    // 3.00 paid for five units, 2.00 of it with points: the third unit refunds nothing
    // (floor(9/5) − floor(6/5) = 0) although the points share rises to 1 by then.
    let state: LineTender = { quantity: 5, paidMinor: 300, pointsPaid: 200, returnedQuantity: 0, refundedMinor: 0, pointsRefunded: 0 };
    const parts: { points: number; moneyMinor: number }[] = [];
    for (let unit = 0; unit < 5; unit++) {
      const refund = refundFor(state, 1);
      const part = splitRefund(state, 1, refund);
      parts.push(part);
      state = { ...state, returnedQuantity: state.returnedQuantity + 1, refundedMinor: state.refundedMinor + refund, pointsRefunded: state.pointsRefunded + part.points };
    }
    expect(parts.every((part) => part.points >= 0 && part.moneyMinor >= 0)).toBe(true);
    expect(state.pointsRefunded).toBe(200);
    expect(state.refundedMinor - state.pointsRefunded).toBe(100);
  });

  it('gives back exactly the points and money paid once every unit came back, in any number of returns (property)', () => {
    const random = seeded(424_242);
    for (let run = 0; run < RUNS; run++) {
      const quantity = random.int(1, 40);
      const paidMinor = random.int(0, 500_000);
      const pointsPaid = random.int(0, paidMinor);
      let state: LineTender = { quantity, paidMinor, pointsPaid, returnedQuantity: 0, refundedMinor: 0, pointsRefunded: 0 };
      while (state.returnedQuantity < quantity) {
        const units = random.int(1, quantity - state.returnedQuantity);
        const refund = refundFor(state, units);
        const { points, moneyMinor } = splitRefund(state, units, refund);
        expect(points).toBeGreaterThanOrEqual(0);
        expect(moneyMinor).toBeGreaterThanOrEqual(0);
        expect(points + moneyMinor).toBe(refund);
        state = { ...state, returnedQuantity: state.returnedQuantity + units, refundedMinor: state.refundedMinor + refund, pointsRefunded: state.pointsRefunded + points };
        // Never more back than paid, in either tender, at any point.
        expect(state.pointsRefunded).toBeLessThanOrEqual(pointsPaid);
        expect(state.refundedMinor - state.pointsRefunded).toBeLessThanOrEqual(paidMinor - pointsPaid);
      }
      expect(state.pointsRefunded).toBe(pointsPaid);
      expect(state.refundedMinor - state.pointsRefunded).toBe(paidMinor - pointsPaid);
    }
  });

  it('over a whole order: the lines give back every point allocated to them and the money they charged (property)', () => {
    const random = seeded(777);
    for (let run = 0; run < 300; run++) {
      const lines = Array.from({ length: random.int(1, 6) }, () => ({ quantity: random.int(1, 9), paidMinor: random.int(0, 50_000) }));
      const shippingMinor = random.int(0, 1_500);
      const total = lines.reduce((sum, l) => sum + l.paidMinor, shippingMinor);
      const points = random.int(0, total);
      const allocation = allocatePoints(points, { linesPaidMinor: lines.map((l) => l.paidMinor), shippingMinor });
      expect(allocation.lines.reduce((a, b) => a + b, allocation.shipping)).toBe(points);
      let pointsBack = 0;
      let moneyBack = 0;
      lines.forEach((l, index) => {
        let state: LineTender = { ...l, pointsPaid: allocation.lines[index]!, returnedQuantity: 0, refundedMinor: 0, pointsRefunded: 0 };
        while (state.returnedQuantity < l.quantity) {
          const units = random.int(1, l.quantity - state.returnedQuantity);
          const refund = refundFor(state, units);
          const part = splitRefund(state, units, refund);
          pointsBack += part.points;
          moneyBack += part.moneyMinor;
          state = { ...state, returnedQuantity: state.returnedQuantity + units, refundedMinor: state.refundedMinor + refund, pointsRefunded: state.pointsRefunded + part.points };
        }
      });
      // Shipping is not refunded, so its share of points and money stays paid.
      expect(pointsBack).toBe(points - allocation.shipping);
      expect(moneyBack).toBe(total - shippingMinor - (points - allocation.shipping));
    }
  });
});
