import type { Caller } from '@omni/auth';
import { fail, forbidden, isBlankId, requireInternalCall, requireScope, succeed, unauthenticated, userError, type Outcome } from '@omni/graphql';
import type { CustomerContext } from '../context';

/** The id the caller's own customer id resolves to now (merges followed), or null for non-customers. */
export async function selfId(ctx: CustomerContext): Promise<string | null> {
  if (ctx.caller.kind !== 'customer' || !ctx.caller.customerId) return null;
  const row = await ctx.loaders.customerById.load(ctx.caller.customerId);
  return row?.id ?? null;
}

/** Staff and admins acting on customers need `customers:write`; sibling services pass as internal callers. */
export function requireCustomerWriter(caller: Caller, options: { allowService?: boolean } = {}): void {
  if (options.allowService && caller.kind === 'service') return requireInternalCall(caller);
  if (caller.kind === 'anonymous') throw unauthenticated();
  if (caller.kind !== 'staff' && caller.kind !== 'admin') throw forbidden('Only staff can do this');
  requireScope(caller, 'customers:write');
}

/**
 * The customer a change is for, as a current (not merged) id. Customers act for themselves (omit
 * the id or pass their own, an old merged id included); staff and admins with `customers:write`
 * name the customer. Acting for someone else is an expected failure that changes nothing.
 */
export async function targetCustomer(ctx: CustomerContext, requestedId: string | null | undefined, field: string[]): Promise<Outcome<string>> {
  const { caller } = ctx;
  if (isBlankId(requestedId)) return fail(userError('INVALID', 'customerId must not be empty', field));
  if (caller.kind === 'customer') {
    const self = await selfId(ctx);
    if (!self) return fail(userError('NOT_FOUND', 'No such customer', field));
    if (requestedId && requestedId !== caller.customerId) {
      const requested = await ctx.loaders.customerById.load(requestedId);
      if (requested?.id !== self) return fail(userError('FORBIDDEN', 'You may only act for yourself', field));
    }
    return succeed(self);
  }
  requireCustomerWriter(caller);
  if (!requestedId) return fail(userError('INVALID', 'customerId is required when acting for a customer', field));
  const row = await ctx.loaders.customerById.load(requestedId);
  return row ? succeed(row.id) : fail(userError('NOT_FOUND', 'No such customer', field));
}
