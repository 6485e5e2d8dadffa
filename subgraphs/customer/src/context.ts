import type { Caller } from '@omni/auth';
import type { CustomerDb } from './db/database';
import { createLoaders, type CustomerLoaders } from './loaders';

/** Built once per request from the verified caller. */
export interface CustomerContext {
  caller: Caller;
  db: CustomerDb;
  loaders: CustomerLoaders;
}

export function createCustomerContext(caller: Caller, db: CustomerDb): CustomerContext {
  return { caller, db, loaders: createLoaders(db) };
}
