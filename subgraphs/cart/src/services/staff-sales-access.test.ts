import { describe, expect, it } from 'vitest';
import { SCOPES_BY_KIND, type Caller } from '@omni/auth';
import { staffSalesAccess } from './staff-sales-access';

const BERLIN = 'loc_berlin';
const HAMBURG = 'loc_hamburg';
const cashier = { id: 'staff_cashier', homeLocationId: BERLIN };

function staff(staffId: string, staffRole: Caller['staffRole'], locationId: string): Caller {
  return { kind: 'staff', channel: 'POS', staffId, staffRole, locationId, scopes: [...SCOPES_BY_KIND.staff] };
}

describe('staffSalesAccess', () => {
  it('lets a staff member read their own sales, whatever their role', () => {
    expect(staffSalesAccess(staff('staff_cashier', 'CASHIER', BERLIN), cashier)).toBe('allowed');
    expect(staffSalesAccess(staff('staff_agent', 'SUPPORT_AGENT', 'loc_call'), { id: 'staff_agent', homeLocationId: 'loc_call' })).toBe('allowed');
  });

  it("lets a store manager read only the sales of their own store's staff", () => {
    expect(staffSalesAccess(staff('staff_manager', 'STORE_MANAGER', BERLIN), cashier)).toBe('allowed');
    expect(staffSalesAccess(staff('staff_manager', 'STORE_MANAGER', HAMBURG), cashier)).toBe('forbidden');
    expect(staffSalesAccess(staff('staff_manager', 'STORE_MANAGER', BERLIN), { id: 'staff_x', homeLocationId: null })).toBe('forbidden');
  });

  it("refuses colleagues who do not manage the store, even at the same store", () => {
    expect(staffSalesAccess(staff('staff_other', 'CASHIER', BERLIN), cashier)).toBe('forbidden');
    expect(staffSalesAccess(staff('staff_agent', 'SUPPORT_AGENT', BERLIN), cashier)).toBe('forbidden');
    expect(staffSalesAccess(staff('staff_wh', 'WAREHOUSE', BERLIN), cashier)).toBe('forbidden');
  });

  it('lets admins read anyone and refuses shoppers, partners and anonymous callers', () => {
    expect(staffSalesAccess({ kind: 'admin', channel: 'WEB', scopes: [] }, cashier)).toBe('allowed');
    expect(staffSalesAccess({ kind: 'customer', channel: 'WEB', customerId: 'cus_1', scopes: [] }, cashier)).toBe('forbidden');
    expect(staffSalesAccess({ kind: 'partner', channel: 'WEB', scopes: [] }, cashier)).toBe('forbidden');
    expect(staffSalesAccess({ kind: 'anonymous', channel: 'WEB', scopes: [] }, cashier)).toBe('unauthenticated');
  });
});
