import { hasScope, type Caller } from '@omni/auth';
import { forbidden, requireScope, unauthenticated } from '@omni/graphql';

/**
 * Conversations are personal data: the customer reads their own, support staff and admins read
 * anyone's with `support:read`. Everyone else is refused, whatever the conversation.
 */
export function assertCanReadSupportOf(caller: Caller, customerId: string): void {
  if (caller.kind === 'customer') {
    if (caller.customerId === customerId) return;
    throw forbidden('You may only read your own conversations');
  }
  if ((caller.kind === 'staff' || caller.kind === 'admin') && hasScope(caller, 'support:read')) return;
  if (caller.kind === 'anonymous') throw unauthenticated('Sign in to read conversations');
  throw forbidden('Requires the support:read permission');
}

/** Who a written message is attributed to, decided by the caller and never by the input. */
export type MessageAuthor =
  | { kind: 'CUSTOMER'; customerId: string; staffId: null }
  | { kind: 'AGENT'; staffId: string | null };

/**
 * Customers write as themselves; staff and admins write as agents with `support:write`. Callers
 * that can never write (anonymous, partners, guests) are refused before any input is looked at.
 */
export function authorOf(caller: Caller): MessageAuthor {
  if (caller.kind === 'customer' && caller.customerId) return { kind: 'CUSTOMER', customerId: caller.customerId, staffId: null };
  if (caller.kind === 'staff' || caller.kind === 'admin') {
    requireScope(caller, 'support:write');
    return { kind: 'AGENT', staffId: caller.staffId ?? null };
  }
  if (caller.kind === 'anonymous') throw unauthenticated('Sign in to write to support');
  throw forbidden('Only customers and support staff can write to support');
}

/** Agents write in any conversation; a customer only in their own. */
export function mayWriteFor(author: MessageAuthor, customerId: string): boolean {
  return author.kind === 'AGENT' || author.customerId === customerId;
}
