import type { CustomerContext } from '../context';
import type { StaffMemberRow } from '../db/schema';

/** Staff names and roles are not personal data in this sense: they appear on receipts and chats. */
export function getStaffMember(ctx: CustomerContext, id: string): Promise<StaffMemberRow | null> {
  return ctx.loaders.staffMemberById.load(id);
}
