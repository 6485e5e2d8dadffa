import type { Caller } from '@omni/auth';
import type { CustomerDirectory } from '@omni/graphql';
import type { CustomerIdentities } from './clients/customer-identity-client';
import type { OfferCodes } from './clients/offer-code-client';
import type { StaffDirectory } from './clients/staff-directory-client';
import type { SupportDb } from './db/database';
import { createLoaders, type SupportLoaders } from './loaders';

/** Services this subgraph asks, and settings; the same for every request. */
export interface SupportServices {
  /** Checks customer ids staff name, and the id a caller's own (maybe merged) id resolves to. */
  customers: CustomerDirectory;
  /** Finds or creates the customer an inbound sender is. */
  identities: CustomerIdentities;
  /** Checks offer codes agents hand over. */
  offerCodes: OfferCodes;
  /** Checks the staff ids conversations are assigned or transferred to. */
  staff: StaffDirectory;
  /** Minutes within which an agent must first answer a handed-off conversation. */
  firstResponseSlaMinutes: number;
}

/** Built once per request from the verified caller. */
export interface SupportContext extends SupportServices {
  caller: Caller;
  db: SupportDb;
  loaders: SupportLoaders;
  /** The caller's own customer id as it resolves now (after merges); asked at most once per request. */
  currentSelfId: () => Promise<string | null>;
}

export function createSupportContext(caller: Caller, db: SupportDb, services: SupportServices): SupportContext {
  let self: Promise<string | null> | null = null;
  return {
    ...services,
    caller,
    db,
    loaders: createLoaders(db),
    currentSelfId: () => {
      if (caller.kind !== 'customer' || !caller.customerId) return Promise.resolve(null);
      self ??= services.customers.currentCustomerId(caller.customerId);
      return self;
    },
  };
}
