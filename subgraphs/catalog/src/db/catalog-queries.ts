import { and, asc, eq, gt, inArray, or, sql, type SQL } from 'drizzle-orm';
import {
  categories,
  locations,
  products,
  variants,
  type CategoryRow,
  type LocationRow,
  type ProductRow,
  type VariantRow,
} from './schema';
import type { CatalogDb } from './database';

/**
 * Full-text match over title and description. The expression is the one `products_search_idx` is
 * built on, character for character, so Postgres answers it from the GIN index.
 */
export function productSearchMatches(tsQuery: string): SQL {
  return sql`to_tsvector('simple', ${products.title} || ' ' || ${products.description}) @@ to_tsquery('simple', ${tsQuery})`;
}

export interface ProductPageQuery {
  after: string | null;
  /** Rows to fetch: the page size plus one, to tell whether a next page exists. */
  limit: number;
  /** A `to_tsquery` expression built by toPrefixTsQuery, or null for no search. */
  tsQuery: string | null;
  /** Category slug or name, compared case-insensitively. */
  category: string | null;
}

export function findProductPage(db: CatalogDb, query: ProductPageQuery): Promise<ProductRow[]> {
  const conditions: (SQL | undefined)[] = [
    query.after === null ? undefined : gt(products.id, query.after),
    query.tsQuery === null ? undefined : productSearchMatches(query.tsQuery),
  ];
  if (query.category !== null) {
    const wanted = query.category.toLowerCase();
    const matchingCategories = db
      .select({ id: categories.id })
      .from(categories)
      .where(or(eq(categories.slug, wanted), sql`lower(${categories.name}) = ${wanted}`));
    conditions.push(inArray(products.categoryId, matchingCategories));
  }
  return db
    .select()
    .from(products)
    .where(and(...conditions))
    .orderBy(asc(products.id))
    .limit(query.limit);
}

export function findProductsByIds(db: CatalogDb, ids: readonly string[]): Promise<ProductRow[]> {
  return db.select().from(products).where(inArray(products.id, [...ids]));
}

export function findProductsBySlugs(db: CatalogDb, slugs: readonly string[]): Promise<ProductRow[]> {
  return db.select().from(products).where(inArray(products.slug, [...slugs]));
}

export function findCategoriesByIds(db: CatalogDb, ids: readonly string[]): Promise<CategoryRow[]> {
  return db.select().from(categories).where(inArray(categories.id, [...ids]));
}

export function findAllCategories(db: CatalogDb): Promise<CategoryRow[]> {
  return db.select().from(categories).orderBy(asc(categories.name), asc(categories.id));
}

export function findVariantsByIds(db: CatalogDb, ids: readonly string[]): Promise<VariantRow[]> {
  return db.select().from(variants).where(inArray(variants.id, [...ids]));
}

export function findVariantsBySkus(db: CatalogDb, skus: readonly string[]): Promise<VariantRow[]> {
  return db.select().from(variants).where(inArray(variants.sku, [...skus]));
}

export function findVariantsByBarcodes(db: CatalogDb, barcodes: readonly string[]): Promise<VariantRow[]> {
  return db.select().from(variants).where(inArray(variants.barcode, [...barcodes]));
}

export function findVariantsByProductIds(db: CatalogDb, productIds: readonly string[]): Promise<VariantRow[]> {
  return db
    .select()
    .from(variants)
    .where(inArray(variants.productId, [...productIds]))
    .orderBy(asc(variants.productId), asc(variants.position));
}

export function findLocationsByIds(db: CatalogDb, ids: readonly string[]): Promise<LocationRow[]> {
  return db.select().from(locations).where(inArray(locations.id, [...ids]));
}

export function findLocations(db: CatalogDb, filter: { kind: string | null }): Promise<LocationRow[]> {
  return db
    .select()
    .from(locations)
    .where(filter.kind === null ? undefined : eq(locations.kind, filter.kind))
    .orderBy(asc(locations.id));
}
