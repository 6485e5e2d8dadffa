import { describe, expect, it } from 'vitest';
import type { Caller } from '@omni/auth';
import { callers } from '@omni/testing';
import { cartAccess, customerCartAccess, maySellFrom } from './cart-access';

const guest = (guestId: string): Caller => ({ kind: 'guest', channel: 'WEB', guestId, scopes: ['catalog:read'] });
const annasCart = { customerId: 'cus_anna', guestId: null };
const guestCart = { customerId: null, guestId: 'guest-1' };
const walkInCart = { customerId: null, guestId: null };

describe('cartAccess', () => {
  it('lets shoppers reach only their own cart', () => {
    expect(cartAccess(callers.customer('cus_anna'), 'write', annasCart)).toBe('allowed');
    expect(cartAccess(callers.customer('cus_ben'), 'read', annasCart)).toBe('not-owner');
    expect(cartAccess(callers.customer('cus_ben'), 'read', walkInCart)).toBe('not-owner');
    expect(cartAccess(guest('guest-1'), 'write', guestCart)).toBe('allowed');
    expect(cartAccess(guest('guest-2'), 'read', guestCart)).toBe('not-owner');
    expect(cartAccess(guest('guest-1'), 'read', annasCart)).toBe('not-owner');
  });

  it('lets staff and admins reach any cart by scope', () => {
    const staff = callers.staff('staff_1', 'loc_1');
    expect(cartAccess(staff, 'write', walkInCart)).toBe('allowed');
    expect(cartAccess(callers.admin(), 'read', guestCart)).toBe('allowed');
    const readOnlyStaff: Caller = { ...staff, scopes: ['carts:read'] };
    expect(cartAccess(readOnlyStaff, 'read', annasCart)).toBe('allowed');
    expect(cartAccess(readOnlyStaff, 'write', annasCart)).toBe('forbidden');
    expect(cartAccess(callers.staff('staff_2', 'loc_wh', 'POS', 'WAREHOUSE'), 'read', annasCart)).toBe('forbidden');
  });

  it('keeps a store till to sales collected at or shipped from its own store', () => {
    const till = callers.staff('staff_1', 'loc_1');
    expect(maySellFrom(till, 'PICKUP', 'loc_1')).toBe(true);
    expect(maySellFrom(till, 'PICKUP', 'loc_2')).toBe(false);
    expect(maySellFrom(till, 'SHIP_FROM_STORE', 'loc_2')).toBe(false);
    expect(maySellFrom(till, 'DELIVERY', 'loc_2')).toBe(true);
    expect(maySellFrom(callers.staff('staff_3', 'loc_wh', 'CALL_CENTER', 'SUPPORT_AGENT'), 'PICKUP', 'loc_2')).toBe(true);
    expect(maySellFrom(callers.customer('cus_anna'), 'PICKUP', 'loc_2')).toBe(true);
  });

  it('refuses partners, services and anonymous callers before looking at any cart', () => {
    expect(cartAccess(callers.partner(), 'read')).toBe('forbidden');
    expect(cartAccess(callers.service('promotions'), 'read')).toBe('forbidden');
    expect(cartAccess(callers.anonymous(), 'read')).toBe('unauthenticated');
    expect(cartAccess({ kind: 'customer', channel: 'WEB', scopes: [] }, 'read')).toBe('forbidden');
  });
});

describe('customerCartAccess', () => {
  it('shows a customer their own cart and staff anyone’s', () => {
    expect(customerCartAccess(callers.customer('cus_anna'), 'cus_anna')).toBe('allowed');
    expect(customerCartAccess(callers.customer('cus_ben'), 'cus_anna')).toBe('not-owner');
    expect(customerCartAccess(callers.staff('staff_1', 'loc_1'), 'cus_anna')).toBe('allowed');
    expect(customerCartAccess({ ...callers.staff('staff_1', 'loc_1'), scopes: [] }, 'cus_anna')).toBe('forbidden');
    expect(customerCartAccess(guest('guest-1'), 'cus_anna')).toBe('forbidden');
    expect(customerCartAccess(callers.anonymous(), 'cus_anna')).toBe('unauthenticated');
  });
});
