import { DEMO_CURRENCY, DEMO_EPOCH, DEMO_LOCATIONS, demoCatalog } from '@omni/demo-data';
import { demoId } from '@omni/db';
import type { CatalogDb } from './db/database';
import { catalogFeed, categories, inventoryLevels, locations, products, variantPrices, variants, type OpeningHours } from './db/schema';

/** Stores open Monday to Saturday 10:00–20:00; warehouses work weekdays and do not serve customers. */
export function demoOpeningHours(kind: 'STORE' | 'WAREHOUSE'): OpeningHours[] {
  const days = kind === 'STORE' ? [1, 2, 3, 4, 5, 6] : [1, 2, 3, 4, 5];
  return days.map((weekday) => (kind === 'STORE' ? { weekday, opens: '10:00', closes: '20:00' } : { weekday, opens: '07:00', closes: '18:00' }));
}

/** Rows per INSERT: well under Postgres' 65,535 bind parameters for the widest table. */
const CHUNK_SIZE = 500;

async function insertInChunks<TRow>(rows: readonly TRow[], insert: (chunk: TRow[]) => Promise<unknown>): Promise<void> {
  for (let start = 0; start < rows.length; start += CHUNK_SIZE) {
    await insert(rows.slice(start, start + CHUNK_SIZE));
  }
}

const demoCategoryId = (slug: string, ordinal: number) => demoId('cat', slug, ordinal);
const slugOf = (name: string) => name.toLowerCase().replace(/[^a-z0-9]+/g, '-');

/**
 * Loads the demo catalog: categories, products, variants, locations and their stock. Safe to run
 * again: existing rows, including stock changed since, are left alone.
 */
export async function seedCatalogDemoData(db: CatalogDb): Promise<void> {
  const { products: demoProducts, stock } = demoCatalog();
  const categoryNames = [...new Set(demoProducts.map((product) => product.category))];
  const categoryIds = new Map(categoryNames.map((name, index) => [name, demoCategoryId(slugOf(name), index + 1)]));

  await db.transaction(async (tx) => {
    await tx
      .insert(categories)
      .values(categoryNames.map((name) => ({ id: categoryIds.get(name)!, slug: slugOf(name), name, createdAt: DEMO_EPOCH })))
      .onConflictDoNothing();
    await tx
      .insert(locations)
      .values(
        DEMO_LOCATIONS.map((location) => ({
          id: location.id,
          name: location.name,
          kind: location.kind,
          street: location.street,
          city: location.city,
          postalCode: location.postalCode,
          countryCode: location.countryCode,
          pickupEnabled: location.pickupEnabled,
          openingHours: demoOpeningHours(location.kind),
          // The warehouse restocks stores in two days and ships parcels to customers.
          transferLeadDays: location.kind === 'WAREHOUSE' ? 2 : null,
          deliveryLeadDays: location.kind === 'WAREHOUSE' ? 3 : null,
          createdAt: DEMO_EPOCH,
        })),
      )
      .onConflictDoNothing();
    await insertInChunks(
      demoProducts.map((product) => ({
        id: product.id,
        slug: product.slug,
        title: product.title,
        description: product.description,
        vendor: product.vendor,
        categoryId: categoryIds.get(product.category)!,
        imageUrls: product.imageUrls,
        channels: product.channels,
        everChannels: product.channels,
        minPriceMinor: Math.min(...product.variants.map((variant) => variant.priceMinor)),
        createdAt: DEMO_EPOCH,
        updatedAt: DEMO_EPOCH,
      })),
      (chunk) => tx.insert(products).values(chunk).onConflictDoNothing(),
    );
    await insertInChunks(
      demoProducts.flatMap((product) =>
        product.variants.map((variant) => ({
          id: variant.id,
          productId: variant.productId,
          sku: variant.sku,
          barcode: variant.barcode,
          title: variant.title,
          options: variant.options,
          priceMinor: variant.priceMinor,
          compareAtMinor: variant.compareAtMinor,
          currencyCode: DEMO_CURRENCY,
          position: variant.position,
          createdAt: DEMO_EPOCH,
          updatedAt: DEMO_EPOCH,
        })),
      ),
      (chunk) => tx.insert(variants).values(chunk).onConflictDoNothing(),
    );
    await insertInChunks(
      demoProducts.flatMap((product) =>
        product.variants.flatMap((variant) =>
          variant.otherPrices.map((price) => ({ variantId: variant.id, ...price, updatedAt: DEMO_EPOCH })),
        ),
      ),
      (chunk) => tx.insert(variantPrices).values(chunk).onConflictDoNothing(),
    );
    await insertInChunks(
      stock.map((level) => ({ variantId: level.variantId, locationId: level.locationId, onHand: level.onHand, reserved: 0, updatedAt: DEMO_EPOCH })),
      (chunk) => tx.insert(inventoryLevels).values(chunk).onConflictDoNothing(),
    );
    await insertInChunks(
      demoProducts.map((product) => ({ productId: product.id, changedAt: DEMO_EPOCH })),
      (chunk) => tx.insert(catalogFeed).values(chunk).onConflictDoNothing(),
    );
  });
}
