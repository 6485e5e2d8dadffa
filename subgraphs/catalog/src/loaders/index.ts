import { createChildPageLoader, createGroupedLoader, createKeyedLoader } from '@omni/graphql';
import type { CatalogDb } from '../db/database';
import {
  findCategoriesByIds,
  findLocations,
  findLocationsByIds,
  findProductsByIds,
  findProductsBySlugs,
  findVariantsByBarcodes,
  findVariantsByIds,
  findVariantPricesByVariantIds,
  findVariantsByProductIds,
  findVariantsBySkus,
} from '../db/catalog-queries';
import {
  findAdjustmentPages,
  findAvailableTotals,
  findShortfallsByLocationIds,
  findStockLevelsAt,
  findStockLevelsByVariantIds,
  findVariantsWithStockAt,
  stockLevelKey,
} from '../db/inventory-queries';

/** Fresh per request: nothing cached across callers. */
export function createLoaders(db: CatalogDb) {
  const variantById = createKeyedLoader((ids: readonly string[]) => findVariantsByIds(db, ids), (row) => row.id);
  /** Keyed by stockLevelKey(variantId, locationId); null when the variant or the location does not exist. */
  const stockLevelAt = createKeyedLoader(
    (keys: readonly string[]) => findStockLevelsAt(db, keys),
    (row) => stockLevelKey(row.variantId, row.locationId),
  );
  // Locations whose stock the variants being loaded will be asked for (see stockLocationAskedOf):
  // read with the variants when there is exactly one, and taken by the batch that reads them.
  let stockLocationsAhead = new Set<string>();
  return {
    /** Before loading a product's variants: their stock at this location will be asked too. */
    expectStockAt(locationId: string) {
      stockLocationsAhead.add(locationId);
    },
    productById: createKeyedLoader((ids: readonly string[]) => findProductsByIds(db, ids), (row) => row.id),
    productBySlug: createKeyedLoader((slugs: readonly string[]) => findProductsBySlugs(db, slugs), (row) => row.slug),
    categoryById: createKeyedLoader((ids: readonly string[]) => findCategoriesByIds(db, ids), (row) => row.id),
    variantById,
    variantBySku: createKeyedLoader((skus: readonly string[]) => findVariantsBySkus(db, skus), (row) => row.sku),
    variantByBarcode: createKeyedLoader(
      (barcodes: readonly string[]) => findVariantsByBarcodes(db, barcodes),
      (row) => row.barcode ?? '',
    ),
    /** A product's variants; each is then known by id too, for the fields that look one up. */
    variantsByProductId: createGroupedLoader(
      async (ids: readonly string[]) => {
        const ahead = stockLocationsAhead;
        stockLocationsAhead = new Set();
        if (ahead.size !== 1) {
          const rows = await findVariantsByProductIds(db, ids);
          for (const row of rows) variantById.prime(row.id, row);
          return rows;
        }
        const locationId = ahead.values().next().value!;
        const rows = await findVariantsWithStockAt(db, ids, locationId);
        for (const { variant, stock } of rows) {
          variantById.prime(variant.id, variant);
          stockLevelAt.prime(stockLevelKey(variant.id, locationId), stock);
        }
        return rows.map((row) => row.variant);
      },
      (row) => row.productId,
    ),
    /** Every location under the one key 'all': one statement however many variants ask. */
    allLocations: createGroupedLoader(
      (_keys: readonly string[]) => findLocations(db, { kind: null }),
      () => 'all',
    ),
    otherPricesByVariantId: createGroupedLoader(
      (ids: readonly string[]) => findVariantPricesByVariantIds(db, ids),
      (row) => row.variantId,
    ),
    locationById: createKeyedLoader((ids: readonly string[]) => findLocationsByIds(db, ids), (row) => row.id),
    stockLevelsByVariantId: createGroupedLoader(
      (ids: readonly string[]) => findStockLevelsByVariantIds(db, ids),
      (row) => row.variantId,
    ),
    stockLevelAt,
    /** `Location.stockShortfalls`: one statement for any number of locations. */
    shortfallsByLocationId: createGroupedLoader(
      (ids: readonly string[]) => findShortfallsByLocationIds(db, ids),
      (row) => row.locationId,
    ),
    availableTotalByVariantId: createKeyedLoader(
      (ids: readonly string[]) => findAvailableTotals(db, ids),
      (row) => row.variantId,
    ),
    adjustmentPagesByStockLevel: createChildPageLoader(
      (keys, page) => findAdjustmentPages(db, keys, page),
      (row) => stockLevelKey(row.variantId, row.locationId),
    ),
  };
}

export type CatalogLoaders = ReturnType<typeof createLoaders>;
