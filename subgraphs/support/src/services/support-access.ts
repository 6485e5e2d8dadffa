import { hasScope, type Caller } from '@omni/auth';
import { forbidden, requireInternalCall, requireScope, requireStaffScope, unauthenticated } from '@omni/graphql';
import type { SupportContext } from '../context';

/**
 * Whether `customerId` is the calling customer. A token names the id the person signed in
 * with; when that record was later merged into another, the person is now the survivor, as cart,
 * orders and loyalty already treat them, so the id is resolved through the customer subgraph
 * (once per request, and only when the ids differ).
 */
export async function isCallingCustomer(ctx: SupportContext, customerId: string): Promise<boolean> {
  if (ctx.caller.kind !== 'customer' || !ctx.caller.customerId) return false;
  if (ctx.caller.customerId === customerId) return true;
  return (await ctx.currentSelfId()) === customerId;
}

/**
 * Asks the customer subgraph who a customer caller is now (the survivor of a merge) before a
 * conversation is locked, when that conversation is not under the token's own id; the answer is
 * remembered for the request, so `isCallingCustomer` inside the transaction makes no call. No
 * call may leave this service while a transaction holds a lock: with one embedded database it
 * would wait on itself.
 */
export async function resolveCallerBeforeLocking(ctx: SupportContext, conversationId: string): Promise<void> {
  if (ctx.caller.kind !== 'customer' || !ctx.caller.customerId) return;
  const [target] = await ctx.loaders.conversationById.loadMany([conversationId]);
  if (target && !(target instanceof Error) && target.customerId !== ctx.caller.customerId) await ctx.currentSelfId();
}

/**
 * Conversations are personal data: the customer reads their own, support staff and admins read
 * anyone's with `support:read`. Everyone else is refused, whatever the conversation.
 */
export async function assertCanReadSupportOf(ctx: SupportContext, customerId: string): Promise<void> {
  const { caller } = ctx;
  if (caller.kind === 'customer') {
    if (await isCallingCustomer(ctx, customerId)) return;
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

/** Agents write in any conversation; a customer only in their own (under any id they have had). */
export async function mayWriteFor(ctx: SupportContext, author: MessageAuthor, customerId: string): Promise<boolean> {
  return author.kind === 'AGENT' || (await isCallingCustomer(ctx, customerId));
}

/** Agents working the inbox (take, assign, transfer, resolve): staff and admins with `support:write`. */
export function requireInboxAgent(caller: Caller): void {
  requireStaffScope(caller, 'support:write', 'Requires the support:write permission');
}

/**
 * Services allowed to feed conversations: the messenger ingress and its bot, which sign as
 * `messenger`. Other services (and everyone else) are refused, so no sibling can write as a
 * customer or as the bot.
 */
const MESSENGER_SERVICES = new Set(['messenger']);

export function requireMessengerService(caller: Caller): void {
  requireInternalCall(caller);
  if (!caller.service || !MESSENGER_SERVICES.has(caller.service)) throw forbidden('Only the messenger service can do this');
}
