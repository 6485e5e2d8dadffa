import { hasScope, type Caller, type Scope } from '@omni/auth';
import { forbidden, unauthenticated } from './errors';

/** Guards used by services; ownership checks build on these. */
export function requireScope(caller: Caller, scope: Scope): void {
  if (!hasScope(caller, scope)) {
    if (caller.kind === 'anonymous') throw unauthenticated();
    throw forbidden(`Requires the ${scope} permission`);
  }
}

export function requireCustomer(caller: Caller): string {
  if (caller.kind !== 'customer' || !caller.customerId) {
    if (caller.kind === 'anonymous') throw unauthenticated('Sign in as a customer');
    throw forbidden('Only a signed-in customer can do this');
  }
  return caller.customerId;
}

/**
 * Staff and admins who may read customers act for any of them (support console, POS); customers
 * act only for themselves. Warehouse staff, whose role lacks `customers:read`, act for nobody.
 */
export function canActForCustomer(caller: Caller, customerId: string): boolean {
  if (caller.kind === 'customer') return caller.customerId === customerId;
  return (caller.kind === 'staff' || caller.kind === 'admin') && hasScope(caller, 'customers:read');
}

/** Staff or admin holding `scope`; everyone else is refused (anonymous callers as unauthenticated). */
export function requireStaffScope(caller: Caller, scope: Scope, message: string): void {
  if (caller.kind === 'anonymous') throw unauthenticated();
  if (!(caller.kind === 'staff' || caller.kind === 'admin') || !hasScope(caller, scope)) throw forbidden(message);
}

export function requireInternalCall(caller: Caller): void {
  if (caller.kind !== 'service' || !hasScope(caller, 'internal')) {
    throw forbidden('Internal operation');
  }
}
