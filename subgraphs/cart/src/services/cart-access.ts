import { hasScope, worksAt, type Caller } from '@omni/auth';
import { forbidden, unauthenticated } from '@omni/graphql';
import type { CartContext } from '../context';
import type { CartDb } from '../db/database';
import { findSurvivorId } from '../db/customer-merge-queries';
import type { CartRow } from '../db/schema';

/**
 * Who may see or change a cart. `not-owner` is a shopper reaching for someone else's cart: reads
 * turn it into a FORBIDDEN error, mutations into a FORBIDDEN user error on the cart id.
 */
export type CartAccess = 'allowed' | 'not-owner' | 'forbidden' | 'unauthenticated';
export type CartAccessMode = 'read' | 'write';

type CartOwner = Pick<CartRow, 'customerId' | 'guestId'>;

/**
 * Without a cart, answers whether this kind of caller can ever reach carts (so callers who never
 * may are refused before any SQL runs); with a cart, whether they may reach this one.
 */
export function cartAccess(caller: Caller, mode: CartAccessMode, cart?: CartOwner): CartAccess {
  switch (caller.kind) {
    case 'anonymous':
      return 'unauthenticated';
    case 'customer':
      if (!caller.customerId) return 'forbidden';
      return !cart || cart.customerId === caller.customerId ? 'allowed' : 'not-owner';
    case 'guest':
      if (!caller.guestId) return 'forbidden';
      return !cart || cart.guestId === caller.guestId ? 'allowed' : 'not-owner';
    case 'staff':
    case 'admin':
      return hasScope(caller, mode === 'read' ? 'carts:read' : 'carts:write') ? 'allowed' : 'forbidden';
    default:
      return 'forbidden';
  }
}

/** `Customer.cart`: the customer themself, or staff and admins who may read carts. */
export function customerCartAccess(caller: Caller, customerId: string): CartAccess {
  switch (caller.kind) {
    case 'anonymous':
      return 'unauthenticated';
    case 'customer':
      return caller.customerId === customerId ? 'allowed' : 'not-owner';
    case 'staff':
    case 'admin':
      return hasScope(caller, 'carts:read') ? 'allowed' : 'forbidden';
    default:
      return 'forbidden';
  }
}

/**
 * A sale rung up by store staff is collected at, or shipped from, their own store: a Berlin till
 * cannot promise goods at another store. Delivery (endless aisle to the door) is left to the stock
 * planner. Support agents sell for every store, admins anywhere.
 */
export function maySellFrom(caller: Caller, method: 'DELIVERY' | 'PICKUP' | 'SHIP_FROM_STORE', locationId: string | null | undefined): boolean {
  if (caller.kind !== 'staff' || method === 'DELIVERY') return true;
  if (caller.staffRole !== 'CASHIER' && caller.staffRole !== 'STORE_MANAGER') return true;
  return worksAt(caller, locationId);
}

/** For reads every refusal is an error; `allowed` passes through. */
export function assertAccess(access: CartAccess, message: string): void {
  if (access === 'allowed') return;
  if (access === 'unauthenticated') throw unauthenticated();
  throw forbidden(message);
}

const survivorLookups = new WeakMap<CartContext, Map<string, Promise<string | null>>>();

/**
 * The customer a merged id now stands for (null when it was never merged), once per request.
 * Access tokens outlive a merge, so a shopper may still present the merged id; callers ask only
 * after the direct check missed, so the common case costs no statement.
 */
export function survivorOf(ctx: CartContext, customerId: string, db: CartDb = ctx.db): Promise<string | null> {
  let lookups = survivorLookups.get(ctx);
  if (!lookups) survivorLookups.set(ctx, (lookups = new Map()));
  let lookup = lookups.get(customerId);
  if (!lookup) lookups.set(customerId, (lookup = findSurvivorId(db, customerId)));
  return lookup;
}

/** Whether a shopper presenting a merged id is the survivor named by `customerId`. */
async function isMergedInto(ctx: CartContext, customerId: string | null, db?: CartDb): Promise<boolean> {
  if (ctx.caller.kind !== 'customer' || !ctx.caller.customerId || !customerId) return false;
  return (await survivorOf(ctx, ctx.caller.customerId, db)) === customerId;
}

/** `cartAccess`, also letting a token from before a merge reach the survivor's cart; `db` inside a transaction. */
export async function cartAccessAfterMerges(ctx: CartContext, mode: CartAccessMode, cart?: CartOwner, db?: CartDb): Promise<CartAccess> {
  const access = cartAccess(ctx.caller, mode, cart);
  if (access === 'not-owner' && (await isMergedInto(ctx, cart?.customerId ?? null, db))) return 'allowed';
  return access;
}

/** `customerCartAccess`, also letting a token from before a merge read the survivor's cart. */
export async function customerCartAccessAfterMerges(ctx: CartContext, customerId: string): Promise<CartAccess> {
  const access = customerCartAccess(ctx.caller, customerId);
  if (access === 'not-owner' && (await isMergedInto(ctx, customerId))) return 'allowed';
  return access;
}
