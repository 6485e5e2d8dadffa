import { describe, expect, it } from 'vitest';
import { callers } from '@omni/testing';
import { storeOfNewCart } from './cart-store';

const BERLIN = 'loc_berlin';
const HAMBURG = 'loc_hamburg';

describe('storeOfNewCart', () => {
  it("defaults a staff member's POS cart to their store, and nothing else", () => {
    expect(storeOfNewCart(callers.staff('staff_1', BERLIN, 'POS'), null, 'POS')).toEqual({ ok: true, value: { storeId: BERLIN, named: false } });
    // The cart's channel decides, not the token's: a cashier opening a web cart sells online.
    expect(storeOfNewCart(callers.staff('staff_1', BERLIN, 'POS'), null, 'WEB')).toEqual({ ok: true, value: { storeId: null, named: false } });
    expect(storeOfNewCart({ ...callers.staff('staff_1', BERLIN, 'POS'), locationId: undefined }, null, 'POS')).toEqual({ ok: true, value: { storeId: null, named: false } });
    expect(storeOfNewCart(callers.admin(), undefined, 'POS')).toEqual({ ok: true, value: { storeId: null, named: false } });
    expect(storeOfNewCart(callers.customer('cus_1', 'POS'), null, 'POS')).toEqual({ ok: true, value: { storeId: null, named: false } });
  });

  it('lets staff name their own store and admins any, to be checked with the catalog', () => {
    expect(storeOfNewCart(callers.staff('staff_1', BERLIN, 'CALL_CENTER'), BERLIN, 'WEB')).toEqual({ ok: true, value: { storeId: BERLIN, named: true } });
    expect(storeOfNewCart(callers.admin(), HAMBURG, 'POS')).toEqual({ ok: true, value: { storeId: HAMBURG, named: true } });
  });

  it('refuses another store to staff and any store to shoppers', () => {
    const refused = { ok: false, userErrors: [expect.objectContaining({ code: 'FORBIDDEN', field: ['input', 'storeId'] })] };
    expect(storeOfNewCart(callers.staff('staff_1', BERLIN, 'POS'), HAMBURG, 'POS')).toEqual(refused);
    expect(storeOfNewCart(callers.customer('cus_1'), BERLIN, 'WEB')).toEqual(refused);
    expect(storeOfNewCart(callers.partner(), BERLIN, 'MARKETPLACE')).toEqual(refused);
  });
});
