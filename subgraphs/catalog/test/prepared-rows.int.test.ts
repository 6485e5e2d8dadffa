import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asc, inArray } from 'drizzle-orm';
import { findProductPage, findProductsByIds, findVariantsByProductIds, productColumns } from '../src/db/catalog-queries';
import { findStockLevelsByVariantIds } from '../src/db/inventory-queries';
import { products, variants } from '../src/db/schema';
import { startCatalog, type CatalogHarness } from './harness';

let catalog: CatalogHarness;

beforeAll(async () => {
  catalog = await startCatalog();
});

afterAll(async () => {
  await catalog?.stop();
});

/**
 * Prepared reads map their rows with decoders looked up once (see prepared-statements.ts in
 * @omni/db); they must come out exactly as drizzle's own mapping of the same select: dates as
 * Date, bigints as numbers, jsonb parsed, arrays, nulls, and expression columns as their
 * `mapWith` makes them.
 */
describe('rows of prepared reads', () => {
  it('equal what drizzle maps for the same select', async () => {
    const { db } = catalog.database;
    const expectedProducts = await db.select(productColumns).from(products).orderBy(asc(products.id));
    const ids = expectedProducts.map((product) => product.id);
    const prepared = await findProductsByIds(db, ids);
    expect(prepared.sort((a, b) => a.id.localeCompare(b.id))).toEqual(expectedProducts);
    expect(prepared[0]!.createdAt).toBeInstanceOf(Date);

    const expectedVariants = await db
      .select()
      .from(variants)
      .where(inArray(variants.productId, ids))
      .orderBy(asc(variants.productId), asc(variants.position));
    const preparedVariants = await findVariantsByProductIds(db, ids);
    expect(preparedVariants).toEqual(expectedVariants);
    expect(preparedVariants.some((variant) => variant.compareAtMinor === null)).toBe(true);
    expect(preparedVariants.some((variant) => typeof variant.compareAtMinor === 'number')).toBe(true);
    expect(typeof preparedVariants[0]!.priceMinor).toBe('number');
    expect(Array.isArray(preparedVariants[0]!.options)).toBe(true);
  });

  it('decode expression columns with their mapWith', async () => {
    const { db } = catalog.database;
    const page = await findProductPage(db, { after: null, limit: 5, terms: null, category: null, channel: 'WEB', price: null, inStockAt: null, sort: 'PRICE_ASC' });
    expect(page.length).toBe(5);
    for (const row of page) expect(typeof row.sortValue).toBe('number');
    const byId = await findProductPage(db, { after: null, limit: 5, terms: null, category: null, channel: 'WEB', price: null, inStockAt: null, sort: 'CREATED' });
    for (const row of byId) expect(row.sortValue).toBeNull();

    const levels = await findStockLevelsByVariantIds(db, [(await findVariantsByProductIds(db, [page[0]!.id]))[0]!.id]);
    expect(levels.length).toBeGreaterThan(0);
    for (const level of levels) {
      expect(Object.keys(level).sort()).toEqual(['locationId', 'onHand', 'reserved', 'safetyStock', 'shortfall', 'variantId']);
      expect(typeof level.onHand).toBe('number');
    }
  });
});
