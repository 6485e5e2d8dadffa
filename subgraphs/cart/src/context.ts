import type { Caller } from '@omni/auth';
import type { CatalogClient } from './clients/catalog-client';
import type { CartDb } from './db/database';
import { createLoaders, type CartLoaders } from './loaders';

/** Built once per request from the verified caller. */
export interface CartContext {
  caller: Caller;
  db: CartDb;
  loaders: CartLoaders;
  catalog: CatalogClient;
}

export function createCartContext(caller: Caller, db: CartDb, catalog: CatalogClient): CartContext {
  return { caller, db, loaders: createLoaders(db), catalog };
}
