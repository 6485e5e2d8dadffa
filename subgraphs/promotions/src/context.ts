import type { Caller } from '@omni/auth';
import type { PromotionsDb } from './db/database';
import type { PromotionRow } from './db/schema';
import { createLoaders, type PromotionsLoaders } from './loaders';
import type { CartPricing } from './services/promotion-engine';

/** Built once per request from the verified caller. */
export interface PromotionsContext {
  caller: Caller;
  db: PromotionsDb;
  loaders: PromotionsLoaders;
  /** One instant per request, so every cart in a response is priced against the same clock. */
  now: Date;
  /** Pricing per cart representation, so a cart's discounts and totals come from one evaluation. */
  cartPricing: WeakMap<object, Promise<CartPricing<PromotionRow>>>;
}

export function createPromotionsContext(caller: Caller, db: PromotionsDb, now = new Date()): PromotionsContext {
  return { caller, db, loaders: createLoaders(db, now), now, cartPricing: new WeakMap() };
}
