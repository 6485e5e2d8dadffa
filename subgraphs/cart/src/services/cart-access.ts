import { hasScope, type Caller } from '@omni/auth';
import { forbidden, unauthenticated } from '@omni/graphql';
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

/** For reads every refusal is an error; `allowed` passes through. */
export function assertAccess(access: CartAccess, message: string): void {
  if (access === 'allowed') return;
  if (access === 'unauthenticated') throw unauthenticated();
  throw forbidden(message);
}
