import { createBatchLoader, createChildPageLoader, createGroupedLoader, createKeyedLoader } from '@omni/graphql';
import type { CatalogPort, VariantFacts } from '../clients/catalog-client';
import { MAX_VARIANTS_PER_CALL } from '../clients/catalog-client';
import { MAX_CUSTOMERS_PER_CALL, type CustomerPort, type CustomerSegmentFacts } from '../clients/customer-client';
import type { PromotionsDb } from '../db/database';
import { countCouponUses, findCouponCodePagesByPromotionIds } from '../db/coupon-queries';
import { findLivePromotionsByCurrencies, findPromotionsByIds, findRunningPromotions } from '../db/promotion-queries';
import { countCustomerUses, countUses } from '../db/usage-queries';
import { findEnteredCodes, findOffersByCustomerIds, findSurvivors } from '../db/offer-queries';

/** Fresh per request: nothing cached across callers, and `now` is the request's own instant. */
export function createLoaders(db: PromotionsDb, now: Date, siblings: { catalog: CatalogPort; customers: CustomerPort }) {
  const { catalog, customers } = siblings;
  return {
    promotionById: createKeyedLoader((ids: readonly string[]) => findPromotionsByIds(db, ids), (row) => row.id),
    /** Uses of each promotion (`timesUsed`, `budgetUsed`), for a page of promotions in one statement; null when never used. */
    usageByPromotionId: createKeyedLoader((ids: readonly string[]) => countUses(db, ids, null), (row) => row.promotionId),
    /** Each customer's uses of promotions limited per customer, for every priced cart of a request in one statement. */
    customerUsesByCustomerId: createGroupedLoader((customerIds: readonly string[]) => countCustomerUses(db, customerIds), (row) => row.customerId),
    /** Every running promotion, read once per request for the badges of all products on a page. */
    runningPromotions: createBatchLoader(async (keys: readonly 'all'[]) => {
      const rows = await findRunningPromotions(db, now);
      return keys.map(() => rows);
    }),
    /**
     * Coupon codes entered on the carts of a request (normalized), with their own uses and, for a
     * personal offer's code, its promotion and held uses, in one statement; null for unknown codes.
     */
    couponByCode: createKeyedLoader((codes: readonly string[]) => findEnteredCodes(db, codes), (row) => row.code),
    /** The codes of a page of promotions (admins only), one statement per page request. */
    couponCodePagesByPromotionId: createChildPageLoader(
      (promotionIds: readonly string[], page: { limit: number; after: string | null }) => findCouponCodePagesByPromotionIds(db, promotionIds, page),
      (row) => row.promotionId,
    ),
    /** Uses counting against each code's own limit, for the offers of a request in one statement (pricing reads them with `couponByCode`). */
    couponUsesByCode: createBatchLoader(async (codes: readonly string[]) => {
      const counts = new Map((await countCouponUses(db, codes)).map((row) => [row.code, row.uses]));
      return codes.map((code) => counts.get(code) ?? 0);
    }),
    /** Pricing many carts in one request reads the live promotions of all their currencies at once. */
    livePromotionsByCurrency: createGroupedLoader(
      (currencyCodes: readonly string[]) => findLivePromotionsByCurrencies(db, currencyCodes, now),
      (row) => row.currencyCode,
    ),
    /** The customer each merged id now stands for, null for ids never merged; one statement per request. */
    survivorByCustomerId: createBatchLoader(async (customerIds: readonly string[]) => {
      const survivors = new Map((await findSurvivors(db, customerIds)).map((row) => [row.mergedId, row.survivorId]));
      return customerIds.map((id) => survivors.get(id) ?? null);
    }),
    /** The personal offers of every customer asked about in a request, newest first, in one statement. */
    offersByCustomerId: createGroupedLoader((customerIds: readonly string[]) => findOffersByCustomerIds(db, customerIds), (row) => row.customerId),
    /**
     * Product and category of every variant on the carts of a request, from the catalog in one call
     * (more only past the catalog's 250 ids per call); null for a variant the catalog does not know.
     */
    variantFacts: createKeyedLoader((variantIds: readonly string[]) => fetchVariantFacts(catalog, variantIds), (facts) => facts.variantId),
    /**
     * A variant's catalog price in minor units of a currency, keyed `CUR:var_…` (`unitPriceKey`);
     * null when the variant is unknown or has no price in it. One call per currency and 250 ids.
     */
    unitPriceIn: createBatchLoader((keys: readonly string[]) => fetchUnitPrices(catalog, keys)),
    /**
     * The segments of every customer whose cart a request prices, from the customer subgraph in one
     * call (more only past its 100 ids per call).
     */
    customerSegments: createKeyedLoader((customerIds: readonly string[]) => fetchCustomerSegments(customers, customerIds), (facts) => facts.customerId),
  };
}

export type PromotionsLoaders = ReturnType<typeof createLoaders>;

async function fetchCustomerSegments(customers: CustomerPort, customerIds: readonly string[]): Promise<CustomerSegmentFacts[]> {
  const chunks: string[][] = [];
  for (let start = 0; start < customerIds.length; start += MAX_CUSTOMERS_PER_CALL) chunks.push(customerIds.slice(start, start + MAX_CUSTOMERS_PER_CALL));
  const answers = await Promise.all(chunks.map((chunk) => customers.customerSegments(chunk)));
  return answers.flatMap((byId) => [...byId.values()]);
}

/** The key of `unitPriceIn`. */
export const unitPriceKey = (currencyCode: string, variantId: string) => `${currencyCode}:${variantId}`;

async function fetchUnitPrices(catalog: CatalogPort, keys: readonly string[]): Promise<(number | null)[]> {
  const idsByCurrency = new Map<string, string[]>();
  for (const key of keys) {
    const [currencyCode = '', variantId = ''] = key.split(':');
    idsByCurrency.set(currencyCode, [...(idsByCurrency.get(currencyCode) ?? []), variantId]);
  }
  const prices = new Map<string, number>();
  await Promise.all(
    [...idsByCurrency].flatMap(([currencyCode, ids]) => {
      const chunks: string[][] = [];
      for (let start = 0; start < ids.length; start += MAX_VARIANTS_PER_CALL) chunks.push(ids.slice(start, start + MAX_VARIANTS_PER_CALL));
      return chunks.map(async (chunk) => {
        for (const [variantId, priceMinor] of await catalog.unitPrices(chunk, currencyCode)) prices.set(unitPriceKey(currencyCode, variantId), priceMinor);
      });
    }),
  );
  return keys.map((key) => prices.get(key) ?? null);
}

async function fetchVariantFacts(catalog: CatalogPort, variantIds: readonly string[]): Promise<VariantFacts[]> {
  const chunks: string[][] = [];
  for (let start = 0; start < variantIds.length; start += MAX_VARIANTS_PER_CALL) chunks.push(variantIds.slice(start, start + MAX_VARIANTS_PER_CALL));
  const answers = await Promise.all(chunks.map((chunk) => catalog.variantFacts(chunk)));
  return answers.flatMap((byId) => [...byId.values()]);
}
