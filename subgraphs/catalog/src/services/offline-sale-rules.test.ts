import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { offlineSaleLevel } from './offline-sale-rules';

describe('offlineSaleLevel', () => {
  it('takes sold units off on hand, below zero when the last unit was sold online meanwhile', () => {
    expect(offlineSaleLevel({ onHand: 5, reserved: 1, shortfall: 0 }, 2)).toEqual({ onHand: 3, shortfall: 0 });
    expect(offlineSaleLevel({ onHand: 0, reserved: 0, shortfall: 0 }, 1)).toEqual({ onHand: -1, shortfall: 1 });
    // The reserved unit belongs to an online order: the offline sale is short of it.
    expect(offlineSaleLevel({ onHand: 1, reserved: 1, shortfall: 0 }, 1)).toEqual({ onHand: 0, shortfall: 1 });
    expect(offlineSaleLevel({ onHand: -1, reserved: 0, shortfall: 1 }, 2)).toEqual({ onHand: -3, shortfall: 3 });
  });

  it('keeps on hand plus shortfall at or above what is reserved, as the database checks', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 50 }), fc.integer({ min: 0, max: 50 }), fc.array(fc.integer({ min: 1, max: 20 }), { maxLength: 10 }), (onHand, reserved, sales) => {
        let level = { onHand: Math.max(onHand, reserved), reserved, shortfall: 0 };
        for (const quantity of sales) {
          const next = offlineSaleLevel(level, quantity);
          expect(next.onHand).toBe(level.onHand - quantity);
          level = { ...level, ...next };
          expect(level.onHand + level.shortfall).toBeGreaterThanOrEqual(level.reserved);
        }
      }),
    );
  });
});
