import { describe, expect, it } from 'vitest';
import { planReturn, refundFor } from './return-plan';

const line = { id: 'oline_1', variantId: 'var_1', quantity: 3, paidMinor: 1_000, returnedQuantity: 0, refundedMinor: 0, pointsPaid: 0, pointsRefunded: 0 };

describe('refundFor', () => {
  it('shares what was paid by units and gives the remainder with the last unit', () => {
    expect(refundFor(line, 1)).toBe(333);
    expect(refundFor({ ...line, returnedQuantity: 1, refundedMinor: 333 }, 1)).toBe(333);
    expect(refundFor({ ...line, returnedQuantity: 2, refundedMinor: 666 }, 1)).toBe(334);
    expect(refundFor(line, 3)).toBe(1_000);
  });

  it('refunds the discounted price of a unit, not its list price', () => {
    // Two units at 39.90 with 7.99 of the order's discount allocated to the line: 71.81 paid.
    const discounted = { ...line, quantity: 2, paidMinor: 2 * 3_990 - 799 };
    expect(refundFor(discounted, 1)).toBe(3_590);
    expect(refundFor({ ...discounted, returnedQuantity: 1, refundedMinor: 3_590 }, 1)).toBe(3_591);
  });

  it('never refunds more than was paid for the line, however the units come back', () => {
    for (const split of [[1, 1, 1], [2, 1], [1, 2], [3]]) {
      let state = { ...line };
      let total = 0;
      for (const quantity of split) {
        const refund = refundFor(state, quantity);
        total += refund;
        state = { ...state, returnedQuantity: state.returnedQuantity + quantity, refundedMinor: state.refundedMinor + refund };
      }
      expect(total).toBe(line.paidMinor);
    }
  });
});

describe('planReturn', () => {
  it('refuses unknown lines and more units than are left, pointing at each', () => {
    const plan = planReturn([{ ...line, returnedQuantity: 2, refundedMinor: 666 }], [
      { orderLineId: 'oline_1', quantity: 2 },
      { orderLineId: 'oline_9', quantity: 1 },
    ]);
    expect(plan).toEqual({
      ok: false,
      userErrors: [
        expect.objectContaining({ code: 'INVALID', field: ['input', 'lines', '0', 'quantity'] }),
        expect.objectContaining({ code: 'NOT_FOUND', field: ['input', 'lines', '1', 'orderLineId'] }),
      ],
    });
  });

  it('prices each returned line', () => {
    expect(planReturn([line], [{ orderLineId: 'oline_1', quantity: 2 }])).toEqual({
      ok: true,
      value: [{ orderLineId: 'oline_1', variantId: 'var_1', quantity: 2, refundMinor: 666, refundPoints: 0 }],
    });
  });

  it('splits each refund into the points and the money that paid for the units', () => {
    // 10.00 paid for three units, 4.00 of it with 400 points.
    const withPoints = { ...line, pointsPaid: 400 };
    expect(planReturn([withPoints], [{ orderLineId: 'oline_1', quantity: 1 }])).toEqual({
      ok: true,
      value: [{ orderLineId: 'oline_1', variantId: 'var_1', quantity: 1, refundMinor: 333, refundPoints: 133 }],
    });
    const rest = { ...withPoints, returnedQuantity: 1, refundedMinor: 333, pointsRefunded: 133 };
    expect(planReturn([rest], [{ orderLineId: 'oline_1', quantity: 2 }])).toEqual({
      ok: true,
      value: [{ orderLineId: 'oline_1', variantId: 'var_1', quantity: 2, refundMinor: 667, refundPoints: 267 }],
    });
  });
});
