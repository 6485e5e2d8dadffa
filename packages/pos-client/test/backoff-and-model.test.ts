import { describe, expect, it } from 'vitest';
import { applyOperation, backoffDelay, optimisticCart, type CartState } from '../src/index';

describe('backoffDelay', () => {
  it('draws from 0 up to an exponentially growing ceiling, capped', () => {
    const options = { baseMs: 100, maxMs: 1_000 };
    expect([0, 1, 2, 3, 4, 10].map((attempt) => backoffDelay(attempt, options, () => 0.999999))).toEqual([99, 199, 399, 799, 999, 999]);
    expect(backoffDelay(5, options, () => 0)).toBe(0);
  });
});

describe('the optimistic cart', () => {
  const empty: CartState = { id: 'cart_1', version: 1, status: 'ACTIVE', customerId: null, couponCodes: [], lines: [] };
  const op = (kind: string, fields: object) => ({ opId: kind, deviceTime: '2026-11-01T10:00:00.000Z', kind, ...fields }) as never;

  it('adds, caps at 999, sets, removes and ignores a set on a missing line', () => {
    const cart = optimisticCart(empty, [op('ADD_LINE', { variantId: 'a', quantity: 998 }), op('ADD_LINE', { variantId: 'a', quantity: 5 }), op('SET_QUANTITY', { variantId: 'b', quantity: 2 })]);
    expect(cart.lines).toEqual([{ id: null, variantId: 'a', quantity: 999 }]);
    expect(applyOperation(cart, op('SET_QUANTITY', { variantId: 'a', quantity: 0 })).lines).toEqual([]);
  });

  it('keeps coupon codes as the server does and sets a customer only once', () => {
    let cart = applyOperation(empty, op('APPLY_COUPON', { couponCode: ' save10 ' }));
    cart = applyOperation(cart, op('APPLY_COUPON', { couponCode: 'SAVE10' }));
    expect(cart.couponCodes).toEqual(['SAVE10']);
    expect(applyOperation(cart, op('REMOVE_COUPON', { couponCode: 'save10' })).couponCodes).toEqual([]);
    cart = applyOperation(cart, op('SET_CUSTOMER', { customerId: 'cus_1' }));
    expect(applyOperation(cart, op('SET_CUSTOMER', { customerId: 'cus_2' })).customerId).toBe('cus_1');
  });
});
