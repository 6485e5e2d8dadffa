import { and, asc, desc, eq, getTableColumns, gt, inArray, lt, or, sql, type SQL, type SQLWrapper } from 'drizzle-orm';
import {
  catalogFeed,
  categories,
  inventoryLevels,
  locations,
  products,
  variantPrices,
  variants,
  type CategoryRow,
  type VariantPriceRow,
  type LocationRow,
  type ProductRow,
  type VariantRow,
} from './schema';
import type { CatalogDb } from './database';
import { preparedOnce } from './prepared';

const { searchVector: _searchVector, ...productColumns } = getTableColumns(products);
/** Every product column but the search vector, which only the database needs. */
export { productColumns };

const { createdAt: _variantCreatedAt, updatedAt: _variantUpdatedAt, ...variantColumns } = getTableColumns(variants);
/**
 * Every variant column but its timestamps, which no field shows: a listing reads a hundred
 * variants, and each timestamp is a string decoded and a Date built for nothing.
 */
export { variantColumns };

/**
 * Full-text match: every word must match, as a prefix of a word as written ('simple'), or as an
 * English or Russian stem. Words arrive as `word:*` terms built by toPrefixTerms(), so no input
 * can break the tsquery syntax.
 */
export function productSearchQuery(terms: readonly (string | SQLWrapper)[]): SQL {
  const perTerm = terms.map(
    (term) =>
      sql`(to_tsquery('simple'::regconfig, ${term}) || to_tsquery('english'::regconfig, ${term}) || to_tsquery('russian'::regconfig, ${term}))`,
  );
  return sql.join(perTerm, sql` && `);
}

export type ProductSort = 'CREATED' | 'NEWEST' | 'PRICE_ASC' | 'PRICE_DESC' | 'RELEVANCE';

/** Where the previous page ended: the sort value (price or rank) and the id. */
export type ProductCursor = { value: number | null; id: string };

export interface ProductPageQuery {
  after: ProductCursor | null;
  /** Rows to fetch: the page size plus one, to tell whether a next page exists. */
  limit: number;
  /** Search terms built by toPrefixTerms, or null for no search. */
  terms: string[] | null;
  /** Category slug or name, compared case-insensitively. */
  category: string | null;
  /** Null: every product, drafts included (admins, sibling services). */
  channel: string | null;
  /** Cheapest variant price bounds in minor units of `currencyCode`. */
  price: { currencyCode: string; minMinor: number | null; maxMinor: number | null } | null;
  /** Only products with a variant available to sell at this location. */
  inStockAt: string | null;
  sort: ProductSort;
}

export interface ProductPageRow extends ProductRow {
  /** The sort value the cursor carries: price in minor units or search rank; null for id sorts. */
  sortValue: number | null;
}

const minPrice = sql<number>`coalesce(${products.minPriceMinor}, 0)`;
/** A value of the statement, named; bound when it runs. */
const value = (name: string) => sql.placeholder(name);

/** Searches of more words than this run unprepared rather than each keeping a statement of its own. */
const MAX_PREPARED_SEARCH_TERMS = 8;

/**
 * A page of products. Pages of the same shape (sort, which filters, how many search words,
 * first page or not) share one prepared statement; the values travel as its parameters.
 */
export function findProductPage(db: CatalogDb, query: ProductPageQuery): Promise<ProductPageRow[]> {
  const sort = query.sort === 'RELEVANCE' && query.terms === null ? 'CREATED' : query.sort;
  const values: Record<string, unknown> = { limit: query.limit };
  query.terms?.forEach((term, index) => (values[`term${index}`] = term));
  if (query.channel !== null) values.channel = query.channel;
  if (query.category !== null) values.category = query.category.toLowerCase();
  if (query.price !== null) Object.assign(values, { currencyCode: query.price.currencyCode, minMinor: query.price.minMinor, maxMinor: query.price.maxMinor });
  if (query.inStockAt !== null) values.inStockAt = query.inStockAt;
  if (query.after !== null) Object.assign(values, { afterId: query.after.id, afterValue: query.after.value ?? 0 });

  const terms = query.terms?.length ?? 0;
  if (terms > MAX_PREPARED_SEARCH_TERMS) return productPageStatement(db, query, sort).execute(values);
  const shape = [
    sort,
    terms,
    query.channel !== null,
    query.category !== null,
    query.price !== null,
    query.price?.minMinor != null,
    query.price?.maxMinor != null,
    query.inStockAt !== null,
    query.after !== null,
  ].join('|');
  return preparedOnce(db, `productPage|${shape}`, (on) => productPageStatement(on, query, sort).prepare('catalog_product_page')).execute(values);
}

/** The statement for a page of this shape, its values left as placeholders (see findProductPage). */
function productPageStatement(db: CatalogDb, query: ProductPageQuery, sort: ProductSort) {
  const tsQuery = query.terms === null ? null : productSearchQuery(query.terms.map((_, index) => sql`${value(`term${index}`)}::text`));
  const rank = tsQuery === null ? null : sql<number>`ts_rank(${products.searchVector}, ${tsQuery})`;
  const conditions: (SQL | undefined)[] = [
    tsQuery === null ? undefined : sql`${products.searchVector} @@ (${tsQuery})`,
    query.channel === null ? undefined : sql`${products.channels} @> array[${value('channel')}::text]`,
  ];
  if (query.category !== null) {
    const matchingCategories = db
      .select({ id: categories.id })
      .from(categories)
      .where(or(sql`${categories.slug} = ${value('category')}::text`, sql`lower(${categories.name}) = ${value('category')}::text`));
    conditions.push(inArray(products.categoryId, matchingCategories));
  }
  if (query.price !== null) {
    conditions.push(
      sql`exists (select 1 from ${variants} where ${variants.productId} = ${products.id} and ${variants.currencyCode} = ${value('currencyCode')}::text)`,
      query.price.minMinor === null ? undefined : sql`${products.minPriceMinor} >= ${value('minMinor')}::bigint`,
      query.price.maxMinor === null ? undefined : sql`${products.minPriceMinor} <= ${value('maxMinor')}::bigint`,
    );
  }
  if (query.inStockAt !== null) {
    conditions.push(sql`exists (
      select 1 from ${variants} inner join ${inventoryLevels} on ${inventoryLevels.variantId} = ${variants.id}
      where ${variants.productId} = ${products.id} and ${inventoryLevels.locationId} = ${value('inStockAt')}::text
        and ${inventoryLevels.onHand} - ${inventoryLevels.reserved} - ${inventoryLevels.safetyStock} > 0)`);
  }

  let sortValue: SQL<number | null> = sql<null>`null::real`;
  let order: SQL[] = [asc(products.id)];
  const after = query.after !== null;
  const afterId = sql`${value('afterId')}::text`;
  switch (sort) {
    case 'CREATED':
      if (after) conditions.push(sql`${products.id} > ${afterId}`);
      break;
    case 'NEWEST':
      order = [desc(products.id)];
      if (after) conditions.push(sql`${products.id} < ${afterId}`);
      break;
    case 'PRICE_ASC':
    case 'PRICE_DESC': {
      const ascending = sort === 'PRICE_ASC';
      const afterValue = sql`${value('afterValue')}::bigint`;
      sortValue = sql<number>`${minPrice}::float8`;
      order = ascending ? [asc(minPrice), asc(products.id)] : [desc(minPrice), desc(products.id)];
      if (after) conditions.push(ascending ? sql`(${minPrice}, ${products.id}) > (${afterValue}, ${afterId})` : sql`(${minPrice}, ${products.id}) < (${afterValue}, ${afterId})`);
      break;
    }
    case 'RELEVANCE': {
      const afterValue = sql`${value('afterValue')}::real`;
      sortValue = sql<number>`${rank!}::float8`;
      // Best match first; equal ranks in creation order.
      order = [sql`${rank!} desc`, asc(products.id)];
      if (after) conditions.push(sql`(${rank!} < ${afterValue} or (${rank!} = ${afterValue} and ${products.id} > ${afterId}))`);
      break;
    }
  }
  return db
    .select({ ...productColumns, sortValue: sortValue.mapWith((sorted) => (sorted === null ? null : Number(sorted))) })
    .from(products)
    .where(and(...conditions))
    .orderBy(...order)
    .limit(value('limit'));
}

/** `column = any($keys)`: one statement text for any number of keys (see preparedOnce). */
const isAnyOfKeys = (column: SQLWrapper) => sql`${column} = any(${sql.placeholder('keys')})`;

export function findProductsByIds(db: CatalogDb, ids: readonly string[]): Promise<ProductRow[]> {
  return preparedOnce(db, 'productsByIds', (on) => on.select(productColumns).from(products).where(isAnyOfKeys(products.id)).prepare('catalog_products_by_ids')).execute({ keys: ids });
}

export function findProductsBySlugs(db: CatalogDb, slugs: readonly string[]): Promise<ProductRow[]> {
  return preparedOnce(db, 'productsBySlugs', (on) => on.select(productColumns).from(products).where(isAnyOfKeys(products.slug)).prepare('catalog_products_by_slugs')).execute({ keys: slugs });
}

export function findCategoriesByIds(db: CatalogDb, ids: readonly string[]): Promise<CategoryRow[]> {
  return preparedOnce(db, 'categoriesByIds', (on) => on.select().from(categories).where(isAnyOfKeys(categories.id)).prepare('catalog_categories_by_ids')).execute({ keys: ids });
}

export function findCategoriesBySlugOrName(db: CatalogDb, value: string): Promise<CategoryRow[]> {
  const wanted = value.toLowerCase();
  return db
    .select()
    .from(categories)
    .where(or(eq(categories.id, value), eq(categories.slug, wanted), sql`lower(${categories.name}) = ${wanted}`));
}

export function findAllCategories(db: CatalogDb): Promise<CategoryRow[]> {
  return db.select().from(categories).orderBy(asc(categories.name), asc(categories.id));
}

export function findVariantsByIds(db: CatalogDb, ids: readonly string[]): Promise<VariantRow[]> {
  return preparedOnce(db, 'variantsByIds', (on) => on.select(variantColumns).from(variants).where(isAnyOfKeys(variants.id)).prepare('catalog_variants_by_ids')).execute({ keys: ids });
}

export function findVariantsBySkus(db: CatalogDb, skus: readonly string[]): Promise<VariantRow[]> {
  return preparedOnce(db, 'variantsBySkus', (on) => on.select(variantColumns).from(variants).where(isAnyOfKeys(variants.sku)).prepare('catalog_variants_by_skus')).execute({ keys: skus });
}

export function findVariantsByBarcodes(db: CatalogDb, barcodes: readonly string[]): Promise<VariantRow[]> {
  return preparedOnce(db, 'variantsByBarcodes', (on) => on.select(variantColumns).from(variants).where(isAnyOfKeys(variants.barcode)).prepare('catalog_variants_by_barcodes')).execute({ keys: barcodes });
}

export function findVariantsByProductIds(db: CatalogDb, productIds: readonly string[]): Promise<VariantRow[]> {
  return preparedOnce(db, 'variantsByProductIds', (on) =>
    on.select(variantColumns).from(variants).where(isAnyOfKeys(variants.productId)).orderBy(asc(variants.productId), asc(variants.position)).prepare('catalog_variants_by_product_ids'),
  ).execute({ keys: productIds });
}

export function findLocationsByIds(db: CatalogDb, ids: readonly string[]): Promise<LocationRow[]> {
  return preparedOnce(db, 'locationsByIds', (on) => on.select().from(locations).where(isAnyOfKeys(locations.id)).prepare('catalog_locations_by_ids')).execute({ keys: ids });
}

export function findLocations(db: CatalogDb, filter: { kind: string | null }): Promise<LocationRow[]> {
  if (filter.kind === null) {
    return preparedOnce(db, 'allLocations', (on) => on.select().from(locations).orderBy(asc(locations.id)).prepare('catalog_all_locations')).execute();
  }
  return preparedOnce(db, 'locationsOfKind', (on) =>
    on
      .select()
      .from(locations)
      .where(sql`${locations.kind} = ${sql.placeholder('kind')}`)
      .orderBy(asc(locations.id))
      .prepare('catalog_locations_of_kind'),
  ).execute({ kind: filter.kind });
}

// --- Writes -------------------------------------------------------------------------------------

export type NewProduct = typeof products.$inferInsert;
export type NewVariant = typeof variants.$inferInsert;

export async function insertProduct(db: CatalogDb, product: NewProduct): Promise<ProductRow> {
  const [row] = await db.insert(products).values(product).returning(productColumns);
  if (!row) throw new Error('Product insert returned no row');
  return row;
}

export async function insertVariants(db: CatalogDb, rows: NewVariant[]): Promise<VariantRow[]> {
  if (rows.length === 0) return [];
  return db.insert(variants).values(rows).returning(variantColumns);
}

/** Locks the product so concurrent edits of it and its variants apply one after the other. */
export async function lockProduct(db: CatalogDb, id: string): Promise<ProductRow | null> {
  const [row] = await db.select(productColumns).from(products).where(eq(products.id, id)).for('update');
  return row ?? null;
}

export async function updateProductRow(db: CatalogDb, id: string, changes: Partial<NewProduct>): Promise<ProductRow> {
  const [row] = await db
    .update(products)
    .set({ ...changes, updatedAt: new Date() })
    .where(eq(products.id, id))
    .returning(productColumns);
  if (!row) throw new Error(`Product ${id} vanished while locked`);
  return row;
}

export async function updateVariantRow(db: CatalogDb, id: string, changes: Partial<NewVariant>): Promise<VariantRow> {
  const [row] = await db
    .update(variants)
    .set({ ...changes, updatedAt: new Date() })
    .where(eq(variants.id, id))
    .returning(variantColumns);
  if (!row) throw new Error(`Variant ${id} vanished while its product was locked`);
  return row;
}

/** Keeps `min_price_minor` in step with the variants after any price change. */
export async function refreshMinPrice(db: CatalogDb, productId: string): Promise<void> {
  await db
    .update(products)
    .set({ minPriceMinor: sql`(select min(${variants.priceMinor}) from ${variants} where ${variants.productId} = ${productId})` })
    .where(eq(products.id, productId));
}

/**
 * Moves the products to the end of the partner feed. Must run in the transaction that makes the
 * change, so the feed position and the change become visible together.
 */
export async function touchFeed(db: CatalogDb, productIds: readonly string[]): Promise<void> {
  const touch = feedTouch(db, productIds);
  if (touch) await touch;
}

/** The insert `touchFeed` runs, for a statement that makes the change too; null when there is nothing to move. */
export function feedTouch(db: CatalogDb, productIds: readonly string[]) {
  // Sorted, so two transactions touching the same products lock their feed rows in the same order.
  const unique = [...new Set(productIds)].sort();
  if (unique.length === 0) return null;
  return db
    .insert(catalogFeed)
    .values(unique.map((productId) => ({ productId })))
    .onConflictDoUpdate({ target: catalogFeed.productId, set: { txId: sql`pg_current_xact_id()`, changedAt: sql`now()` } });
}

/** Feed position: the writing transaction (as text, it outgrows JS numbers in theory) and the product id. */
export type FeedCursor = { tx: string; id: string };

export interface FeedRow {
  productId: string;
  txId: string;
  changedAt: Date;
  product: ProductRow;
}

/**
 * The next feed entries after the cursor, with their products. Only rows written by transactions
 * older than every transaction still running are served: anything committing later lands behind
 * the partner's cursor position, never before it. With a channel, products never offered in it
 * are left out: that channel's mirror never held them, so it has nothing to upsert or delete.
 */
export function findFeedPage(db: CatalogDb, page: { after: FeedCursor | null; limit: number; channel: string | null }): Promise<FeedRow[]> {
  return db
    .select({ productId: catalogFeed.productId, txId: sql<string>`${catalogFeed.txId}::text`, changedAt: catalogFeed.changedAt, product: productColumns })
    .from(catalogFeed)
    .innerJoin(products, eq(products.id, catalogFeed.productId))
    .where(
      and(
        sql`${catalogFeed.txId} < pg_snapshot_xmin(pg_current_snapshot())`,
        page.channel === null ? undefined : sql`${products.everChannels} @> array[${page.channel}]::text[]`,
        page.after === null ? undefined : sql`(${catalogFeed.txId}, ${catalogFeed.productId}) > (${page.after.tx}::xid8, ${page.after.id})`,
      ),
    )
    .orderBy(asc(catalogFeed.txId), asc(catalogFeed.productId))
    .limit(page.limit);
}

export function findVariantPricesByVariantIds(db: CatalogDb, variantIds: readonly string[]): Promise<VariantPriceRow[]> {
  return preparedOnce(db, 'variantPricesByVariantIds', (on) =>
    on
      .select()
      .from(variantPrices)
      .where(isAnyOfKeys(variantPrices.variantId))
      .orderBy(asc(variantPrices.variantId), asc(variantPrices.currencyCode))
      .prepare('catalog_variant_prices_by_variant_ids'),
  ).execute({ keys: variantIds });
}

export async function upsertVariantPrice(db: CatalogDb, price: typeof variantPrices.$inferInsert): Promise<void> {
  await db
    .insert(variantPrices)
    .values(price)
    .onConflictDoUpdate({
      target: [variantPrices.variantId, variantPrices.currencyCode],
      set: { amountMinor: price.amountMinor, compareAtMinor: price.compareAtMinor ?? null, updatedAt: new Date() },
    });
}
