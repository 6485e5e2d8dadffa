import type { CustomerContext } from '../context';
import type { StaffMemberRow } from '../db/schema';
import { getStaffMember } from '../services/staff-service';

export const StaffMember = {
  __resolveReference: (reference: { id: string }, ctx: CustomerContext) => getStaffMember(ctx, reference.id),
  homeLocation: (staff: StaffMemberRow) => ({ __typename: 'Location', id: staff.homeLocationId }),
};
