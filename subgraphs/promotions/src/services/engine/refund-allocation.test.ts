import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { quoteCart } from './quote-cart';
import { refundForReturnedUnits } from './refund-allocation';
import { input, line, promotion } from './test-fixtures';

describe('refundForReturnedUnits', () => {
  it('refunds one unit of a "2 for 1" pair at what the pair was charged, not list price', () => {
    const twoForOne = promotion({
      id: 'p',
      action: { type: 'BUY_X_GET_Y', target: { kind: 'PRODUCT', ids: ['prod_a'] }, buyQuantity: 1, getQuantity: 1, percent: 100, maxGroups: null },
    });
    const [pair] = quoteCart(input([twoForOne], { lines: [line('a', 2000, 2)] })).lines;
    expect(pair!.totalMinor).toBe(2000);
    expect(refundForReturnedUnits({ totalMinor: pair!.totalMinor, quantity: 2 }, 0, 1)).toBe(1000);
  });

  it('adds up to exactly the line total however the returns are split', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.integer({ min: 1, max: 50 }).chain((quantity) => fc.tuple(fc.constant(quantity), fc.array(fc.integer({ min: 1, max: quantity }), { maxLength: 10 }))),
        (totalMinor, [quantity, steps]) => {
          let returned = 0;
          let refunded = 0;
          for (const step of steps) {
            const returning = Math.min(step, quantity - returned);
            const refund = refundForReturnedUnits({ totalMinor, quantity }, returned, returning);
            // Within one minor unit of the exact share: |refund × quantity − returning × total| < quantity.
            expect(Math.abs(refund * quantity - returning * totalMinor)).toBeLessThan(quantity);
            refunded += refund;
            returned += returning;
          }
          refunded += refundForReturnedUnits({ totalMinor, quantity }, returned, quantity - returned);
          expect(refunded).toBe(totalMinor);
        },
      ),
    );
  });

  it('refuses to return more than the line holds', () => {
    expect(() => refundForReturnedUnits({ totalMinor: 100, quantity: 2 }, 1, 2)).toThrow(RangeError);
  });
});
