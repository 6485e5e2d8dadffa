import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, count, eq } from 'drizzle-orm';
import { DEMO_LOCATIONS, DEMO_PRODUCT_COUNT, demoCatalog } from '@omni/demo-data';
import { createTestDatabase, type TestDatabase } from '@omni/testing';
import { openCatalogDatabase, type CatalogDatabase } from '../src/db/database';
import { categories, inventoryLevels, locations, products, variants } from '../src/db/schema';
import { seedCatalogDemoData } from '../src/seed';

let testDb: TestDatabase;
let database: CatalogDatabase;
const { products: demoProducts, stock } = demoCatalog();
const variantCount = demoProducts.reduce((sum, product) => sum + product.variants.length, 0);

beforeAll(async () => {
  testDb = await createTestDatabase();
  database = await openCatalogDatabase(testDb.client);
});

afterAll(async () => {
  await testDb?.drop();
});

async function rowCounts() {
  const countOf = async (table: typeof products | typeof variants | typeof locations | typeof inventoryLevels | typeof categories) =>
    (await database.db.select({ n: count() }).from(table))[0]!.n;
  return {
    categories: await countOf(categories),
    products: await countOf(products),
    variants: await countOf(variants),
    locations: await countOf(locations),
    inventoryLevels: await countOf(inventoryLevels),
  };
}

describe('seedCatalogDemoData', () => {
  it('loads the whole demo catalog in batched statements', async () => {
    const before = database.statements.total;
    await seedCatalogDemoData(database.db);
    // 7 tables, products/variants/other prices/stock/feed in chunks of 500 rows.
    const expectedStatements =
      2 + 2 * Math.ceil(DEMO_PRODUCT_COUNT / 500) + 2 * Math.ceil(variantCount / 500) + Math.ceil(stock.length / 500);
    expect(database.statements.total - before).toBe(expectedStatements);
    expect(await rowCounts()).toEqual({
      categories: 6,
      products: DEMO_PRODUCT_COUNT,
      variants: variantCount,
      locations: DEMO_LOCATIONS.length,
      inventoryLevels: stock.length,
    });
  });

  it('can run again without duplicating rows or resetting stock that changed since', async () => {
    const level = stock[0]!;
    const where = and(eq(inventoryLevels.variantId, level.variantId), eq(inventoryLevels.locationId, level.locationId));
    await database.db.update(inventoryLevels).set({ onHand: level.onHand + 100 }).where(where);
    const countsBefore = await rowCounts();
    await seedCatalogDemoData(database.db);
    expect(await rowCounts()).toEqual(countsBefore);
    const [row] = await database.db.select().from(inventoryLevels).where(where);
    expect(row?.onHand).toBe(level.onHand + 100);
  });

  it('stores the demo rows exactly, with ids every other subgraph can derive', async () => {
    const demo = demoProducts[123]!;
    const [product] = await database.db.select().from(products).where(eq(products.id, demo.id));
    expect(product).toMatchObject({ slug: demo.slug, title: demo.title, vendor: demo.vendor, createdAt: new Date('2026-11-01T09:00:00.000Z') });
    const stored = await database.db.select().from(variants).where(eq(variants.productId, demo.id)).orderBy(variants.position);
    expect(stored.map((v) => ({ id: v.id, sku: v.sku, barcode: v.barcode, priceMinor: v.priceMinor, options: v.options }))).toEqual(
      demo.variants.map((v) => ({ id: v.id, sku: v.sku, barcode: v.barcode, priceMinor: v.priceMinor, options: v.options })),
    );
  });
});
