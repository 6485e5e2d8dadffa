import { DEMO_CURRENCY, DEMO_EPOCH, DEMO_LOCATIONS, demoCatalog } from '@omni/demo-data';
import { demoId } from '@omni/db';
import type { CatalogDb } from './db/database';
import { categories, inventoryLevels, locations, products, variants } from './db/schema';

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
          currencyCode: DEMO_CURRENCY,
          position: variant.position,
          createdAt: DEMO_EPOCH,
          updatedAt: DEMO_EPOCH,
        })),
      ),
      (chunk) => tx.insert(variants).values(chunk).onConflictDoNothing(),
    );
    await insertInChunks(
      stock.map((level) => ({ variantId: level.variantId, locationId: level.locationId, onHand: level.onHand, reserved: 0, updatedAt: DEMO_EPOCH })),
      (chunk) => tx.insert(inventoryLevels).values(chunk).onConflictDoNothing(),
    );
  });
}
