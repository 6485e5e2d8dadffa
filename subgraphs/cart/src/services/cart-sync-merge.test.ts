import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applySyncOperations, cloneSyncState, type SyncFacts, type SyncOperation, type SyncState } from './cart-sync-merge';

const plenty: SyncFacts = { available: () => 500, customer: () => 'ok' };
const empty = (): SyncState => ({ lines: new Map(), couponCodes: [], customerId: null, guestOwned: false });
const withLine = (variantId: string, quantity: number): SyncState => ({ ...empty(), lines: new Map([[variantId, { quantity, stamp: null }]]) });
let seq = 0;
const op = (fields: Partial<SyncOperation> & Pick<SyncOperation, 'kind'>): SyncOperation => ({ opId: `op${seq++}`, deviceId: 'till-1', deviceTime: 1_000, variantId: 'var_a', ...fields });

describe('sync merge rules', () => {
  it('adds units, caps them by availability and reports what was capped or impossible', () => {
    const state = withLine('var_a', 2);
    const facts: SyncFacts = { available: (id) => (id === 'var_a' ? 4 : null), customer: () => 'ok' };
    const results = applySyncOperations(state, [op({ kind: 'ADD_LINE', quantity: 1 }), op({ kind: 'ADD_LINE', quantity: 5 }), op({ kind: 'ADD_LINE', quantity: 1 }), op({ kind: 'ADD_LINE', variantId: 'var_gone', quantity: 1 })], facts);
    expect(results.map((r) => [r.status, r.reason, r.quantity])).toEqual([
      ['APPLIED', null, 3],
      ['MERGED', 'CAPPED', 4],
      ['REJECTED', 'UNAVAILABLE', 4],
      ['REJECTED', 'UNAVAILABLE', null],
    ]);
    expect(state.lines.get('var_a')!.quantity).toBe(4);
    expect(state.lines.has('var_gone')).toBe(false);
  });

  it('lets the later device time win a quantity, ties going to the greater device id', () => {
    const state = withLine('var_a', 1);
    const results = applySyncOperations(state, [
      op({ kind: 'SET_QUANTITY', quantity: 7, deviceTime: 2_000, deviceId: 'till-1' }),
      op({ kind: 'SET_QUANTITY', quantity: 3, deviceTime: 1_500, deviceId: 'till-9' }),
      op({ kind: 'SET_QUANTITY', quantity: 9, deviceTime: 2_000, deviceId: 'till-2' }),
      op({ kind: 'SET_QUANTITY', quantity: 4, deviceTime: 2_000, deviceId: 'till-0' }),
    ], plenty);
    expect(results.map((r) => [r.status, r.reason])).toEqual([['APPLIED', null], ['MERGED', 'SUPERSEDED'], ['APPLIED', null], ['MERGED', 'SUPERSEDED']]);
    expect(state.lines.get('var_a')!.quantity).toBe(9);
  });

  it('reports an operation on a line removed meanwhile instead of dropping it', () => {
    const state = withLine('var_a', 2);
    const results = applySyncOperations(state, [
      op({ kind: 'REMOVE_LINE', deviceTime: 3_000 }),
      op({ kind: 'SET_QUANTITY', quantity: 5, deviceTime: 1_000 }),
      op({ kind: 'REMOVE_LINE', deviceTime: 4_000 }),
    ], plenty);
    expect(results.map((r) => [r.status, r.reason])).toEqual([['APPLIED', null], ['REJECTED', 'LINE_REMOVED'], ['MERGED', 'ALREADY_DONE']]);
    expect(state.lines.size).toBe(0);
  });

  it('keeps a later quantity over an older removal', () => {
    const state = withLine('var_a', 2);
    const results = applySyncOperations(state, [op({ kind: 'SET_QUANTITY', quantity: 5, deviceTime: 5_000 }), op({ kind: 'REMOVE_LINE', deviceTime: 1_000 })], plenty);
    expect(results.map((r) => r.reason)).toEqual([null, 'SUPERSEDED']);
    expect(state.lines.get('var_a')!.quantity).toBe(5);
  });

  it('applies coupons and the customer once, refusing what the cart cannot take', () => {
    const state = empty();
    const facts: SyncFacts = { available: () => 10, customer: (id) => (id === 'cus_gone' ? 'not-found' : id === 'cus_busy' ? 'has-cart' : 'ok') };
    const codes = ['A', 'B', 'C', 'D', 'E', 'F'].map((couponCode) => op({ kind: 'APPLY_COUPON', couponCode }));
    const results = applySyncOperations(state, [
      ...codes,
      op({ kind: 'APPLY_COUPON', couponCode: 'A' }),
      op({ kind: 'REMOVE_COUPON', couponCode: 'Z' }),
      op({ kind: 'SET_CUSTOMER', customerId: 'cus_gone' }),
      op({ kind: 'SET_CUSTOMER', customerId: 'cus_busy' }),
      op({ kind: 'SET_CUSTOMER', customerId: 'cus_1' }),
      op({ kind: 'SET_CUSTOMER', customerId: 'cus_1' }),
      op({ kind: 'SET_CUSTOMER', customerId: 'cus_2' }),
    ], facts);
    expect(results.map((r) => r.reason)).toEqual([null, null, null, null, null, 'TOO_MANY_COUPONS', 'ALREADY_DONE', 'ALREADY_DONE', 'CUSTOMER_NOT_FOUND', 'CUSTOMER_HAS_CART', null, 'ALREADY_DONE', 'CUSTOMER_ALREADY_SET']);
    expect(state).toMatchObject({ couponCodes: ['A', 'B', 'C', 'D', 'E'], customerId: 'cus_1' });
  });

  const addOps = fc.array(fc.record({ variantId: fc.constantFrom('var_a', 'var_b', 'var_c'), quantity: fc.integer({ min: 1, max: 20 }), deviceId: fc.constantFrom('t1', 't2', 'web') }), { maxLength: 30 });

  it('adds commute: any order of the same adds gives the same cart', () => {
    fc.assert(
      fc.property(addOps.chain((adds) => fc.tuple(fc.constant(adds), fc.shuffledSubarray(adds, { minLength: adds.length, maxLength: adds.length }))), ([adds, shuffled]) => {
        const toOps = (list: typeof adds) => list.map((add, index) => ({ opId: `o${index}`, deviceTime: 1, kind: 'ADD_LINE' as const, ...add }));
        const a = empty();
        const b = empty();
        applySyncOperations(a, toOps(adds), plenty);
        applySyncOperations(b, toOps(shuffled), plenty);
        const quantities = (state: SyncState) => Object.fromEntries([...state.lines].map(([id, line]) => [id, line.quantity]).sort());
        expect(quantities(a)).toEqual(quantities(b));
      }),
    );
  });

  it('set-quantity converges to the latest write whatever order the writes arrive in', () => {
    const writes = fc.uniqueArray(fc.record({ deviceTime: fc.integer({ min: 0, max: 50 }), deviceId: fc.constantFrom('t1', 't2', 't3', 't4', 'web'), quantity: fc.integer({ min: 1, max: 999 }) }), {
      minLength: 1,
      maxLength: 20,
      selector: (write) => `${write.deviceTime}/${write.deviceId}`,
    });
    fc.assert(
      fc.property(writes.chain((list) => fc.tuple(fc.constant(list), fc.shuffledSubarray(list, { minLength: list.length, maxLength: list.length }))), ([list, shuffled]) => {
        const state = withLine('var_a', 1);
        const results = applySyncOperations(state, shuffled.map((write) => ({ opId: `${write.deviceTime}/${write.deviceId}`, kind: 'SET_QUANTITY' as const, variantId: 'var_a', ...write })), { available: () => 999, customer: () => 'ok' });
        const latest = [...list].sort((x, y) => x.deviceTime - y.deviceTime || (x.deviceId < y.deviceId ? -1 : 1)).at(-1)!;
        expect(state.lines.get('var_a')!.quantity).toBe(latest.quantity);
        expect(results).toHaveLength(list.length);
      }),
    );
  });

  it('never lets a line exceed availability or 999, nor the cart 100 lines', () => {
    const anyOp = fc.record({
      kind: fc.constantFrom('ADD_LINE', 'SET_QUANTITY', 'REMOVE_LINE') as fc.Arbitrary<SyncOperation['kind']>,
      variantId: fc.integer({ min: 0, max: 120 }).map((n) => `var_${n}`),
      quantity: fc.integer({ min: 1, max: 999 }),
      deviceTime: fc.integer({ min: 0, max: 100 }),
    });
    fc.assert(
      fc.property(fc.array(anyOp, { maxLength: 300 }), fc.integer({ min: 0, max: 999 }), (ops, stock) => {
        const state = empty();
        const before = cloneSyncState(state);
        applySyncOperations(state, ops.map((o, index) => ({ ...o, opId: `o${index}`, deviceId: 't1' })), { available: () => stock, customer: () => 'ok' });
        expect(before.lines.size).toBe(0);
        expect(state.lines.size).toBeLessThanOrEqual(100);
        for (const line of state.lines.values()) expect(line.quantity).toBeLessThanOrEqual(Math.min(stock, 999));
      }),
    );
  });
});
