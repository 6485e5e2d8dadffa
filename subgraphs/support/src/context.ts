import type { Caller } from '@omni/auth';
import type { SupportDb } from './db/database';
import { createLoaders, type SupportLoaders } from './loaders';

/** Built once per request from the verified caller. */
export interface SupportContext {
  caller: Caller;
  db: SupportDb;
  loaders: SupportLoaders;
}

export function createSupportContext(caller: Caller, db: SupportDb): SupportContext {
  return { caller, db, loaders: createLoaders(db) };
}
