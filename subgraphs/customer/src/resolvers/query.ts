import type { CustomerContext } from '../context';
import { getCustomer, getSignedInCustomer } from '../services/customer-service';
import { getStaffMember } from '../services/staff-service';

export const Query = {
  me: (_: unknown, __: unknown, ctx: CustomerContext) => getSignedInCustomer(ctx),
  customer: (_: unknown, args: { id: string }, ctx: CustomerContext) => getCustomer(ctx, args.id),
  staffMember: (_: unknown, args: { id: string }, ctx: CustomerContext) => getStaffMember(ctx, args.id),
};
