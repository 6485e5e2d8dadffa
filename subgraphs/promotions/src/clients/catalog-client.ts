import { z } from 'zod';
import { createServiceClient, ServiceCallError } from '@omni/graphql';

/** What promotions need to know about a variant to match product and category targets. */
export interface VariantFacts {
  variantId: string;
  productId: string;
  categoryIds: readonly string[];
}

/**
 * The catalog as the promotions subgraph sees it. A port, so tests and deployments without a
 * catalog can plug their own; `createCatalogClient` is the real one.
 */
export interface CatalogPort {
  /** Facts per variant id asked; unknown ids are missing from the map. At most 250 ids per call. */
  variantFacts(ids: readonly string[]): Promise<Map<string, VariantFacts>>;
  /**
   * Unit price in minor units of `currencyCode` per variant id asked; unknown variants and those
   * without a price in that currency are missing from the map. At most 250 ids per call.
   */
  unitPrices(ids: readonly string[], currencyCode: string): Promise<Map<string, number>>;
}

export const MAX_VARIANTS_PER_CALL = 250;

const VARIANT_SNAPSHOTS = /* GraphQL */ `
  query PromotionsVariantFacts($ids: [ID!]!) { variantSnapshots(ids: $ids) { id productId categoryId } }
`;

const VARIANT_PRICES = /* GraphQL */ `
  query PromotionsVariantPrices($ids: [ID!]!, $currencyCode: String) { variantSnapshots(ids: $ids, currencyCode: $currencyCode) { id priceMinor currencyCode } }
`;

const pricesResponse = z.object({
  variantSnapshots: z.array(z.object({ id: z.string(), priceMinor: z.number().int().nonnegative(), currencyCode: z.string() }).nullable()),
});

const snapshotsResponse = z.object({
  variantSnapshots: z.array(z.object({ id: z.string(), productId: z.string(), categoryId: z.string() }).nullable()),
});

/** Asks the catalog's internal `variantSnapshots`, signed as the promotions service. */
export function createCatalogClient(options: { url: string | (() => string); signingSecret: string }): CatalogPort {
  const client = createServiceClient({ service: 'promotions', url: options.url, signingSecret: options.signingSecret });
  return {
    async variantFacts(ids) {
      const byId = new Map<string, VariantFacts>();
      if (ids.length === 0) return byId;
      const data = await client.request<unknown>(VARIANT_SNAPSHOTS, { ids: [...ids] });
      const parsed = snapshotsResponse.safeParse(data);
      // The catalog answers in the order asked; anything else would give a line another product.
      if (!parsed.success || parsed.data.variantSnapshots.length !== ids.length) throw new ServiceCallError('The catalog returned malformed variant snapshots');
      ids.forEach((id, index) => {
        const snapshot = parsed.data.variantSnapshots[index];
        if (!snapshot) return;
        if (snapshot.id !== id) throw new ServiceCallError('The catalog answered for a variant that was not asked for');
        byId.set(id, { variantId: id, productId: snapshot.productId, categoryIds: [snapshot.categoryId] });
      });
      return byId;
    },
    async unitPrices(ids, currencyCode) {
      const byId = new Map<string, number>();
      if (ids.length === 0) return byId;
      const data = await client.request<unknown>(VARIANT_PRICES, { ids: [...ids], currencyCode });
      const parsed = pricesResponse.safeParse(data);
      if (!parsed.success || parsed.data.variantSnapshots.length !== ids.length) throw new ServiceCallError('The catalog returned malformed variant prices');
      ids.forEach((id, index) => {
        const snapshot = parsed.data.variantSnapshots[index];
        if (!snapshot) return;
        if (snapshot.id !== id) throw new ServiceCallError('The catalog answered for a variant that was not asked for');
        // The catalog falls back to the product's own currency; such a price says nothing in this one.
        if (snapshot.currencyCode === currencyCode) byId.set(id, snapshot.priceMinor);
      });
      return byId;
    },
  };
}
