import type { Caller } from '@omni/auth';

/** The staff member whose sales are asked for, as the gateway's representation carries them. */
export interface SalesPerson {
  id: string;
  /** Their store or warehouse (`StaffMember.homeLocation`, owned by the customer subgraph). */
  homeLocationId: string | null;
}

export type StaffSalesAccess = 'allowed' | 'forbidden' | 'unauthenticated';

/**
 * Who may read a staff member's sales (PERMISSIONS.md): admins anyone's, a store manager those of
 * the staff of their own store, and every staff member their own. Sales figures are about people's
 * work, so colleagues, support agents and shoppers do not see them.
 */
export function staffSalesAccess(caller: Caller, person: SalesPerson): StaffSalesAccess {
  switch (caller.kind) {
    case 'anonymous':
      return 'unauthenticated';
    case 'admin':
      return 'allowed';
    case 'staff':
      if (caller.staffId && caller.staffId === person.id) return 'allowed';
      if (caller.staffRole === 'STORE_MANAGER' && !!caller.locationId && caller.locationId === person.homeLocationId) return 'allowed';
      return 'forbidden';
    default:
      return 'forbidden';
  }
}
