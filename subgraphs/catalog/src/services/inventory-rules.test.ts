import { describe, expect, it } from 'vitest';
import { adjustmentFingerprint, applyDelta, availableQuantity, directionError, type AdjustmentRequest } from './inventory-rules';

describe('availableQuantity', () => {
  it('is on hand minus reserved, never negative', () => {
    expect(availableQuantity({ onHand: 10, reserved: 3 })).toBe(7);
    expect(availableQuantity({ onHand: 3, reserved: 3 })).toBe(0);
    expect(availableQuantity({ onHand: 2, reserved: 5 })).toBe(0);
  });
});

describe('applyDelta', () => {
  it('adds and removes within what is unreserved', () => {
    expect(applyDelta({ onHand: 10, reserved: 4 }, 5)).toEqual({ ok: true, onHand: 15 });
    expect(applyDelta({ onHand: 10, reserved: 4 }, -6)).toEqual({ ok: true, onHand: 4 });
  });

  it('refuses going below zero', () => {
    const result = applyDelta({ onHand: 3, reserved: 0 }, -4);
    expect(result).toEqual({ ok: false, message: 'Only 3 units are on hand; cannot remove 4' });
  });

  it('refuses eating into reserved units and says how many may go', () => {
    const result = applyDelta({ onHand: 10, reserved: 4 }, -7);
    expect(result).toEqual({ ok: false, message: '4 units are reserved for orders; at most 6 can be removed' });
  });
});

describe('directionError', () => {
  it('holds receipts and returns positive, sales and damage negative', () => {
    expect(directionError('RECEIVED', -1)).toMatch(/positive/);
    expect(directionError('RETURNED', -1)).toMatch(/positive/);
    expect(directionError('SOLD', 1)).toMatch(/negative/);
    expect(directionError('DAMAGED', 1)).toMatch(/negative/);
    expect(directionError('RECEIVED', 1)).toBeNull();
    expect(directionError('SOLD', -1)).toBeNull();
  });

  it('lets counts and corrections go either way', () => {
    for (const delta of [-3, 3]) {
      expect(directionError('COUNTED', delta)).toBeNull();
      expect(directionError('CORRECTION', delta)).toBeNull();
    }
  });
});

describe('adjustmentFingerprint', () => {
  const request: AdjustmentRequest = {
    callerKind: 'staff',
    staffId: 'staff_1',
    variantId: 'var_1',
    locationId: 'loc_1',
    delta: 2,
    reason: 'RECEIVED',
    note: null,
  };

  it('is equal for the same request and differs when any part changes', () => {
    expect(adjustmentFingerprint({ ...request })).toBe(adjustmentFingerprint(request));
    const variations: Partial<AdjustmentRequest>[] = [
      { callerKind: 'admin' },
      { staffId: 'staff_2' },
      { variantId: 'var_2' },
      { locationId: 'loc_2' },
      { delta: 3 },
      { reason: 'COUNTED' },
      { note: 'x' },
    ];
    for (const change of variations) {
      expect(adjustmentFingerprint({ ...request, ...change })).not.toBe(adjustmentFingerprint(request));
    }
  });
});
