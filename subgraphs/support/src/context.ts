import type { Caller } from '@omni/auth';
import type { CustomerDirectory } from '@omni/graphql';
import type { SupportDb } from './db/database';
import { createLoaders, type SupportLoaders } from './loaders';

/** Built once per request from the verified caller. */
export interface SupportContext {
  caller: Caller;
  db: SupportDb;
  loaders: SupportLoaders;
  /** Checks customer ids staff name. */
  customers: CustomerDirectory;
}

export function createSupportContext(caller: Caller, db: SupportDb, customers: CustomerDirectory): SupportContext {
  return { caller, db, loaders: createLoaders(db), customers };
}
