import type { Caller } from '@omni/auth';
import type { CatalogPort } from './clients/catalog-client';
import type { CustomerPort } from './clients/customer-client';
import type { PromotionsDb } from './db/database';
import { createLoaders, type PromotionsLoaders } from './loaders';
import type { EvaluatedCart } from './services/cart-pricing-service';

/** Built once per request from the verified caller. */
export interface PromotionsContext {
  caller: Caller;
  db: PromotionsDb;
  loaders: PromotionsLoaders;
  /** One instant per request, so every cart in a response is priced against the same clock. */
  now: Date;
  /** Pricing per cart representation, so a cart's discounts and totals come from one evaluation. */
  cartPricing: WeakMap<object, Promise<EvaluatedCart>>;
}

/** The sibling subgraphs pricing asks: the catalog for products, the customer subgraph for segments. */
export interface PromotionsSiblings {
  catalog: CatalogPort;
  customers: CustomerPort;
}

export function createPromotionsContext(caller: Caller, db: PromotionsDb, siblings: PromotionsSiblings, now = new Date()): PromotionsContext {
  return { caller, db, loaders: createLoaders(db, now, siblings), now, cartPricing: new WeakMap() };
}
