import type { Caller } from '@omni/auth';
import type { CatalogDb } from './db/database';
import { createLoaders, type CatalogLoaders } from './loaders';

/** Built once per request from the verified caller. */
export interface CatalogContext {
  caller: Caller;
  db: CatalogDb;
  loaders: CatalogLoaders;
}

export function createCatalogContext(caller: Caller, db: CatalogDb): CatalogContext {
  return { caller, db, loaders: createLoaders(db) };
}

/** After a stock write, later reads in the same request must not see the levels cached before it. */
export function forgetStock(ctx: CatalogContext): void {
  ctx.loaders.stockLevelsByVariantId.clearAll();
  ctx.loaders.stockLevelAt.clearAll();
  ctx.loaders.availableTotalByVariantId.clearAll();
}
