import { worksAt, type Caller, type Channel } from '@omni/auth';
import { fail, succeed, userError, type Outcome } from '@omni/graphql';
import type { CatalogClient } from '../clients/catalog-client';

/**
 * The store a new cart is sold at, as the caller may set it: staff name their own store, admins
 * any, shoppers none (a store-scoped promotion would otherwise be theirs for the asking). Left
 * out, a staff member's POS cart is at the store they work at; every other cart is online (null).
 * Pure: whether the named id is really a store is asked of the catalog after (`checkedStore`).
 */
export function storeOfNewCart(caller: Caller, storeId: string | null | undefined, channel: Channel): Outcome<{ storeId: string | null; named: boolean }> {
  if (storeId) {
    if (caller.kind !== 'staff' && caller.kind !== 'admin') return fail(userError('FORBIDDEN', 'Only staff set the store a cart is sold at', ['input', 'storeId']));
    if (!worksAt(caller, storeId)) return fail(userError('FORBIDDEN', 'Staff may only start carts at the store they work at', ['input', 'storeId']));
    return succeed({ storeId, named: true });
  }
  // The till's store comes from the staff member's signed token, so it needs no catalog call.
  const defaulted = caller.kind === 'staff' && channel === 'POS' ? (caller.locationId ?? null) : null;
  return succeed({ storeId: defaulted, named: false });
}

/**
 * A store named in the input must be a catalog location of kind STORE: a warehouse sells nothing
 * over the counter, and an unknown id would silently miss every store-scoped promotion.
 */
export async function checkedStore(catalog: CatalogClient, store: { storeId: string | null; named: boolean }): Promise<Outcome<string | null>> {
  if (!store.storeId || !store.named) return succeed(store.storeId);
  const location = await catalog.location(store.storeId);
  if (!location) return fail(userError('NOT_FOUND', 'No such store', ['input', 'storeId']));
  if (location.kind !== 'STORE') return fail(userError('INVALID', 'The location is not a store', ['input', 'storeId']));
  return succeed(location.id);
}
