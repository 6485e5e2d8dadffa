import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, asc, eq, inArray } from 'drizzle-orm';
import { findLocations, findProductPage, findProductsByIds, findVariantsByProductIds, productColumns, variantColumns } from '../src/db/catalog-queries';
import { findReservation, findReservationByKey, findReservationFacts, findStockLevelsByVariantIds, findVariantSnapshots, findVariantsWithStockAt } from '../src/db/inventory-queries';
import { inventoryLevels, inventoryReservations, locations, products, variantPrices, variants } from '../src/db/schema';
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
      .select(variantColumns)
      .from(variants)
      .where(inArray(variants.productId, ids))
      .orderBy(asc(variants.productId), asc(variants.position));
    const preparedVariants = await findVariantsByProductIds(db, ids);
    expect(preparedVariants).toEqual(expectedVariants);
    expect(preparedVariants.some((variant) => variant.compareAtMinor === null)).toBe(true);
    expect(preparedVariants.some((variant) => typeof variant.compareAtMinor === 'number')).toBe(true);
    expect(typeof preparedVariants[0]!.priceMinor).toBe('number');
    expect(Array.isArray(preparedVariants[0]!.options)).toBe(true);

    // Read with their stock at a store, the variants are the very same rows.
    const [store] = await findLocations(db, { kind: null });
    const withStock = await findVariantsWithStockAt(db, ids, store!.id);
    expect(withStock.map((row) => row.variant)).toEqual(expectedVariants);
    expect(withStock.every((row) => row.stock?.locationId === store!.id)).toBe(true);
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

  it('of the checkout path: snapshots, locations and reservations', async () => {
    const { db } = catalog.database;
    const someVariants = await db.select().from(variants).orderBy(asc(variants.id)).limit(40);
    const ids = someVariants.map((variant) => variant.id);
    const productRows = await db.select(productColumns).from(products).where(inArray(products.id, someVariants.map((variant) => variant.productId)));
    const levels = await db.select().from(inventoryLevels).where(inArray(inventoryLevels.variantId, ids));
    const expected = someVariants.map((variant) => {
      const product = productRows.find((row) => row.id === variant.productId)!;
      return {
        id: variant.id,
        sku: variant.sku,
        title: variant.title,
        productTitle: product.title,
        priceMinor: variant.priceMinor,
        compareAtMinor: variant.compareAtMinor,
        currencyCode: variant.currencyCode,
        productId: variant.productId,
        categoryId: product.categoryId,
        publishedChannels: product.channels,
        totalAvailable: levels.filter((level) => level.variantId === variant.id).reduce((sum, level) => sum + Math.max(level.onHand - level.reserved - level.safetyStock, 0), 0),
      };
    });
    const byId = (rows: { id: string }[]) => [...rows].sort((a, b) => a.id.localeCompare(b.id));
    expect(byId(await findVariantSnapshots(db, ids))).toEqual(expected);
    // In the variant's own currency the join finds nothing else to use either.
    expect(byId(await findVariantSnapshots(db, ids, someVariants[0]!.currencyCode))).toEqual(expected);
    expect(expected.some((row) => row.compareAtMinor === null)).toBe(true);

    // A price in another currency replaces the variant's own; variants without one keep theirs.
    const otherPrices = await db.select().from(variantPrices).where(inArray(variantPrices.variantId, ids));
    const currency = otherPrices.find((price) => price.currencyCode !== someVariants[0]!.currencyCode)?.currencyCode ?? 'USD';
    if (otherPrices.length === 0) await db.insert(variantPrices).values({ variantId: ids[0]!, currencyCode: currency, amountMinor: 1234, compareAtMinor: null });
    const pricesIn = await db.select().from(variantPrices).where(and(inArray(variantPrices.variantId, ids), eq(variantPrices.currencyCode, currency)));
    expect(pricesIn.length).toBeGreaterThan(0);
    expect(byId(await findVariantSnapshots(db, ids, currency))).toEqual(
      expected.map((row) => {
        const other = pricesIn.find((price) => price.variantId === row.id);
        return other && row.currencyCode !== currency ? { ...row, priceMinor: other.amountMinor, compareAtMinor: other.compareAtMinor, currencyCode: currency } : row;
      }),
    );
    const [variant] = someVariants;

    expect(await findLocations(db, { kind: null })).toEqual(await db.select().from(locations).orderBy(asc(locations.id)));
    expect(await findLocations(db, { kind: 'STORE' })).toEqual(await db.select().from(locations).where(eq(locations.kind, 'STORE')).orderBy(asc(locations.id)));

    const [location] = await db.select().from(locations).orderBy(asc(locations.id)).limit(1);
    const [reservation] = await db
      .insert(inventoryReservations)
      .values({
        id: 'res_01prepared0000000000000000',
        locationId: location!.id,
        lines: [{ variantId: variant!.id, quantity: 1 }],
        status: 'RELEASED',
        reference: null,
        service: 'cart',
        expiresAt: new Date('2030-01-01T00:00:00Z'),
        idempotencyKey: 'prepared-rows',
        requestFingerprint: '[]',
      })
      .returning();
    expect(await findReservationByKey(db, 'cart', 'prepared-rows')).toEqual(reservation);
    expect(await findReservationByKey(db, 'support', 'prepared-rows')).toBeNull();
    expect(await findReservation(db, reservation!.id)).toEqual(reservation);
    const now = new Date();
    expect(await findReservationFacts(db, { service: 'cart', idempotencyKey: 'prepared-rows', locationId: location!.id, variantIds: [variant!.id, 'var_unknown'], now })).toEqual({
      earlier: reservation,
      location,
      variants: [{ id: variant!.id, productId: variant!.productId }],
      lapsed: false,
    });
    expect(await findReservationFacts(db, { service: 'cart', idempotencyKey: 'other', locationId: 'loc_unknown', variantIds: ids.slice(0, 3), now })).toEqual({
      earlier: null,
      location: null,
      variants: someVariants.slice(0, 3).map((row) => ({ id: row.id, productId: row.productId })),
      lapsed: false,
    });
    await db.delete(inventoryReservations).where(eq(inventoryReservations.id, reservation!.id));
  });
});
