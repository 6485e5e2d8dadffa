import { z } from 'zod';
import { isIdOf } from '@omni/db';
import {
  badUserInput,
  isCurrencyCode,
  isIdKey,
  isIntegerKey,
  MoneyFormatError,
  pageRequest,
  toConnection,
  toMinorUnits,
  toMoney,
  type ConnectionArgs,
  type Connection,
  type Money,
} from '@omni/graphql';
import type { CatalogContext } from '../context';
import { findAllCategories, findProductPage, type ProductCursor, type ProductPageRow, type ProductSort } from '../db/catalog-queries';
import type { CategoryRow, ProductRow, VariantRow } from '../db/schema';
import { isReferenceVisibleTo, isVisibleTo, requireCatalogRead, visibilityChannel } from './catalog-access';
import { priceRangeOf } from './price-range';
import { MAX_SEARCH_LENGTH, toPrefixTerms } from './product-search';
import { variantAvailableForSale } from './variant-service';

export async function getProduct(ctx: CatalogContext, args: { id?: string | null; slug?: string | null }): Promise<ProductRow | null> {
  const byId = args.id !== undefined && args.id !== null;
  const bySlug = args.slug !== undefined && args.slug !== null;
  if (byId === bySlug) throw badUserInput('Pass exactly one of id or slug');
  const product = byId ? await loadProductById(ctx, args.id!) : await getProductBySlug(ctx, args.slug!);
  return product && isVisibleTo(ctx.caller, product) ? product : null;
}

/**
 * A product another subgraph holds a reference to (a cart line, a viewed product). Null, as from
 * `product(id)`, when the caller may not see it; the subgraphs holding references allow for that.
 */
export async function getProductById(ctx: CatalogContext, id: string): Promise<ProductRow | null> {
  const product = await loadProductById(ctx, id);
  return product && isReferenceVisibleTo(ctx.caller, product) ? product : null;
}

async function loadProductById(ctx: CatalogContext, id: string): Promise<ProductRow | null> {
  requireCatalogRead(ctx.caller);
  if (!isIdOf('prod', id)) return null;
  return ctx.loaders.productById.load(id);
}

async function getProductBySlug(ctx: CatalogContext, slug: string): Promise<ProductRow | null> {
  requireCatalogRead(ctx.caller);
  const product = await ctx.loaders.productBySlug.load(slug.trim().toLowerCase());
  if (product) ctx.loaders.productById.prime(product.id, product);
  return product;
}

export const PRODUCT_SORTS = ['CREATED', 'NEWEST', 'PRICE_ASC', 'PRICE_DESC', 'RELEVANCE'] as const satisfies readonly ProductSort[];

const productFilter = z.object({
  search: z.string().max(MAX_SEARCH_LENGTH, `must be at most ${MAX_SEARCH_LENGTH} characters`).nullish(),
  category: z.string().trim().max(100, 'must be at most 100 characters').nullish(),
  priceRange: z
    .object({
      currencyCode: z.string().refine(isCurrencyCode, 'is not an ISO 4217 currency code'),
      min: z.string().nullish(),
      max: z.string().nullish(),
    })
    .nullish(),
  inStockAt: z
    .string()
    .refine((value) => isIdOf('loc', value), 'is not a location id')
    .nullish(),
});

export type ProductFilterInput = z.input<typeof productFilter>;

/**
 * A cursor is the id for id orders, and [value, id] for price and relevance orders. Prices are
 * whole minor units compared with a bigint and ranks are Postgres reals, so a value outside what
 * either column holds was not made by us.
 */
const MAX_SORT_VALUE = 1e15;
const isProductCursorKey = (value: unknown): value is string | [number, string] =>
  isIdKey(value) ||
  (Array.isArray(value) && value.length === 2 && typeof value[0] === 'number' && Math.abs(value[0]) <= MAX_SORT_VALUE && isIdKey(value[1]));

function assertCursorFitsSort(after: string | [number, string] | null, sort: ProductSort): void {
  if (Array.isArray(after) && (sort === 'PRICE_ASC' || sort === 'PRICE_DESC') && !isIntegerKey(after[0])) {
    throw badUserInput('The cursor is not valid');
  }
}

function toMinorBound(amount: string | null | undefined, currencyCode: string, field: string): number | null {
  if (amount === null || amount === undefined) return null;
  try {
    const minor = toMinorUnits(amount, currencyCode);
    if (minor < 0) throw badUserInput(`filter.priceRange.${field} must not be negative`);
    return minor;
  } catch (error) {
    if (error instanceof MoneyFormatError) throw badUserInput(`filter.priceRange.${field}: ${error.message}`);
    throw error;
  }
}

/**
 * Keyset pages of what the caller's channel offers (admins see drafts too), narrowed by search,
 * category, price and stock at a location, in the order asked. Relevance needs a search and falls
 * back to creation order without one.
 */
export async function listProducts(
  ctx: CatalogContext,
  args: ConnectionArgs & { filter?: ProductFilterInput | null; sort?: ProductSort | null },
): Promise<Connection<ProductPageRow>> {
  requireCatalogRead(ctx.caller);
  const page = pageRequest(args, isProductCursorKey);
  const parsed = productFilter.safeParse(args.filter ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw badUserInput(`filter.${issue.path.join('.')} ${issue.message}`);
  }
  const filter = parsed.data;
  const sort = args.sort ?? 'CREATED';
  assertCursorFitsSort(page.after, sort);
  const after: ProductCursor | null =
    page.after === null ? null : typeof page.after === 'string' ? { value: null, id: page.after } : { value: page.after[0], id: page.after[1] };
  const priceRange = filter.priceRange
    ? {
        currencyCode: filter.priceRange.currencyCode,
        minMinor: toMinorBound(filter.priceRange.min, filter.priceRange.currencyCode, 'min'),
        maxMinor: toMinorBound(filter.priceRange.max, filter.priceRange.currencyCode, 'max'),
      }
    : null;
  const terms = filter.search ? toPrefixTerms(filter.search) : null;
  const rows = await findProductPage(ctx.db, {
    after,
    limit: page.limit + 1,
    terms,
    category: filter.category || null,
    channel: visibilityChannel(ctx.caller),
    price: priceRange,
    inStockAt: filter.inStockAt ?? null,
    sort,
  });
  for (const row of rows) ctx.loaders.productById.prime(row.id, row);
  return toConnection(rows, page, (row) => (row.sortValue === null ? row.id : [row.sortValue, row.id]));
}

export async function productCategory(ctx: CatalogContext, product: ProductRow): Promise<CategoryRow | null> {
  return ctx.loaders.categoryById.load(product.categoryId);
}

/**
 * Variants in the order the merchant arranged them (the loader also knows each by id then).
 * `stockAskedAt`: the location whose stock the caller asked of these variants, read with them
 * (see stockLocationAskedOf).
 */
export function listVariants(ctx: CatalogContext, product: Pick<ProductRow, 'id'>, stockAskedAt: string | null = null): Promise<VariantRow[]> {
  if (stockAskedAt !== null && isIdOf('loc', stockAskedAt)) ctx.loaders.expectStockAt(stockAskedAt);
  return ctx.loaders.variantsByProductId.load(product.id);
}

export function productPriceRange(ctx: CatalogContext, product: ProductRow): Promise<{ min: Money; max: Money } | null> {
  return listVariants(ctx, product).then(priceRangeOf);
}

export async function productAvailableForSale(ctx: CatalogContext, product: ProductRow): Promise<boolean> {
  const variants = await listVariants(ctx, product);
  const forSale = await Promise.all(variants.map((variant) => variantAvailableForSale(ctx, variant)));
  return forSale.some(Boolean);
}

export function variantCompareAtPrice(variant: VariantRow): Money | null {
  return variant.compareAtMinor === null ? null : toMoney(variant.compareAtMinor, variant.currencyCode);
}

export async function getCategory(ctx: CatalogContext, id: string): Promise<CategoryRow | null> {
  requireCatalogRead(ctx.caller);
  if (!isIdOf('cat', id)) return null;
  return ctx.loaders.categoryById.load(id);
}

export async function listCategories(ctx: CatalogContext): Promise<CategoryRow[]> {
  requireCatalogRead(ctx.caller);
  const rows = await findAllCategories(ctx.db);
  for (const row of rows) ctx.loaders.categoryById.prime(row.id, row);
  return rows;
}

export interface VariantPriceView {
  price: Money;
  compareAtPrice: Money | null;
}

/** Every price of a variant: its own currency first, then the others alphabetically. */
export async function variantPrices(ctx: CatalogContext, variant: VariantRow): Promise<VariantPriceView[]> {
  const others = await ctx.loaders.otherPricesByVariantId.load(variant.id);
  return [
    { price: toMoney(variant.priceMinor, variant.currencyCode), compareAtPrice: variantCompareAtPrice(variant) },
    ...others
      .filter((other) => other.currencyCode !== variant.currencyCode)
      .map((other) => ({
        price: toMoney(other.amountMinor, other.currencyCode),
        compareAtPrice: other.compareAtMinor === null ? null : toMoney(other.compareAtMinor, other.currencyCode),
      })),
  ];
}

export async function variantPriceIn(ctx: CatalogContext, variant: VariantRow, currencyCode: string): Promise<VariantPriceView | null> {
  const prices = await variantPrices(ctx, variant);
  return prices.find((price) => price.price.currencyCode === currencyCode.trim().toUpperCase()) ?? null;
}
