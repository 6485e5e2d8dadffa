import { createGroupedLoader, createKeyedLoader } from '@omni/graphql';
import type { CustomerDb } from '../db/database';
import { findCustomersByIds, findIdentitiesByCustomerIds, findStaffMembersByIds } from '../db/customer-queries';

/** Fresh per request: nothing cached across callers. */
export function createLoaders(db: CustomerDb) {
  return {
    customerById: createKeyedLoader((ids: readonly string[]) => findCustomersByIds(db, ids), (row) => row.id),
    identitiesByCustomerId: createGroupedLoader(
      (ids: readonly string[]) => findIdentitiesByCustomerIds(db, ids),
      (row) => row.customerId,
    ),
    staffMemberById: createKeyedLoader((ids: readonly string[]) => findStaffMembersByIds(db, ids), (row) => row.id),
  };
}

export type CustomerLoaders = ReturnType<typeof createLoaders>;
