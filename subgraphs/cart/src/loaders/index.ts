import { createChildPageLoader, createKeyedLoader } from '@omni/graphql';
import type { CartDb } from '../db/database';
import { findActiveCartsByCustomerIds, findCartsByIds, findLinePages } from '../db/cart-queries';

/** Fresh per request: nothing cached across callers. */
export function createLoaders(db: CartDb) {
  return {
    cartById: createKeyedLoader((ids: readonly string[]) => findCartsByIds(db, ids), (row) => row.id),
    // The partial unique index guarantees at most one active cart per customer, so keying by customer is exact.
    activeCartByCustomerId: createKeyedLoader(
      (customerIds: readonly string[]) => findActiveCartsByCustomerIds(db, customerIds),
      (row) => row.customerId!,
    ),
    linePagesByCartId: createChildPageLoader((cartIds, page) => findLinePages(db, cartIds, page), (row) => row.cartId),
  };
}

export type CartLoaders = ReturnType<typeof createLoaders>;
