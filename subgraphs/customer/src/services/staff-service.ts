import { hasScope } from '@omni/auth';
import { requireScope } from '@omni/graphql';
import type { CustomerContext } from '../context';
import type { StaffMemberRow } from '../db/schema';

/**
 * Staff names and roles are not personal data in this sense: they appear on receipts and chats,
 * so shopper-facing callers may read them; partner keys may not. Sibling services ask too, signed
 * as themselves, to check a staff id they are given (support assigning a conversation).
 */
export function getStaffMember(ctx: CustomerContext, id: string): Promise<StaffMemberRow | null> {
  if (!hasScope(ctx.caller, 'internal')) requireScope(ctx.caller, 'storefront:read');
  return ctx.loaders.staffMemberById.load(id);
}
