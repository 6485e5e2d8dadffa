import { describe, expect, it } from 'vitest';
import { creditedStaffId } from './checkout-service';

describe('creditedStaffId', () => {
  const lines = [
    { id: 'line_01', addedByStaffId: 'staff_agent' },
    { id: 'line_03', addedByStaffId: null },
    { id: 'line_02', addedByStaffId: 'staff_floor' },
  ];

  it('credits the staff member who checks out (the cashier) over anyone who added lines', () => {
    expect(creditedStaffId('staff_cashier', lines)).toBe('staff_cashier');
  });

  it('otherwise credits the staff member who added the most recent assisted line', () => {
    expect(creditedStaffId(null, lines)).toBe('staff_floor');
  });

  it('credits nobody when the shopper built the cart and checked out alone', () => {
    expect(creditedStaffId(null, [{ id: 'line_01', addedByStaffId: null }])).toBeNull();
  });
});
