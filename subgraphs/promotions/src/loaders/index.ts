import { createGroupedLoader, createKeyedLoader } from '@omni/graphql';
import type { PromotionsDb } from '../db/database';
import { findLivePromotionsByCurrencies, findPromotionsByIds } from '../db/promotion-queries';

/** Fresh per request: nothing cached across callers, and `now` is the request's own instant. */
export function createLoaders(db: PromotionsDb, now: Date) {
  return {
    promotionById: createKeyedLoader((ids: readonly string[]) => findPromotionsByIds(db, ids), (row) => row.id),
    /** Pricing many carts in one request reads the live promotions of all their currencies at once. */
    livePromotionsByCurrency: createGroupedLoader(
      (currencyCodes: readonly string[]) => findLivePromotionsByCurrencies(db, currencyCodes, now),
      (row) => row.currencyCode,
    ),
  };
}

export type PromotionsLoaders = ReturnType<typeof createLoaders>;
