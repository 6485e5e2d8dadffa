import { z } from 'zod';
import { isIdOf } from '@omni/db';
import { badUserInput, isIdKey, pageRequest, toConnection, type ConnectionArgs, type Connection, type Money } from '@omni/graphql';
import type { CatalogContext } from '../context';
import { findAllCategories, findProductPage } from '../db/catalog-queries';
import type { CategoryRow, ProductRow, VariantRow } from '../db/schema';
import { requireCatalogRead } from './catalog-access';
import { priceRangeOf } from './price-range';
import { MAX_SEARCH_LENGTH, toPrefixTsQuery } from './product-search';
import { listStockLevels } from './variant-service';
import { availableQuantity } from './inventory-rules';

export async function getProduct(ctx: CatalogContext, args: { id?: string | null; slug?: string | null }): Promise<ProductRow | null> {
  const byId = args.id !== undefined && args.id !== null;
  const bySlug = args.slug !== undefined && args.slug !== null;
  if (byId === bySlug) throw badUserInput('Pass exactly one of id or slug');
  return byId ? getProductById(ctx, args.id!) : getProductBySlug(ctx, args.slug!);
}

export async function getProductById(ctx: CatalogContext, id: string): Promise<ProductRow | null> {
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

const productFilter = z.object({
  search: z.string().max(MAX_SEARCH_LENGTH, `must be at most ${MAX_SEARCH_LENGTH} characters`).nullish(),
  category: z.string().trim().max(100, 'must be at most 100 characters').nullish(),
});

export type ProductFilterInput = z.input<typeof productFilter>;

/** Keyset pages in creation order (ids are ULIDs), optionally narrowed by search and category. */
export async function listProducts(
  ctx: CatalogContext,
  args: ConnectionArgs & { filter?: ProductFilterInput | null },
): Promise<Connection<ProductRow>> {
  requireCatalogRead(ctx.caller);
  const page = pageRequest(args, isIdKey);
  const parsed = productFilter.safeParse(args.filter ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw badUserInput(`filter.${issue.path.join('.')} ${issue.message}`);
  }
  const rows = await findProductPage(ctx.db, {
    after: page.after,
    limit: page.limit + 1,
    tsQuery: parsed.data.search ? toPrefixTsQuery(parsed.data.search) : null,
    category: parsed.data.category || null,
  });
  for (const row of rows) ctx.loaders.productById.prime(row.id, row);
  return toConnection(rows, page, (row) => row.id);
}

export async function productCategory(ctx: CatalogContext, product: ProductRow): Promise<CategoryRow | null> {
  return ctx.loaders.categoryById.load(product.categoryId);
}

/** Variants in the order the merchant arranged them. */
export async function listVariants(ctx: CatalogContext, product: ProductRow): Promise<VariantRow[]> {
  const variants = await ctx.loaders.variantsByProductId.load(product.id);
  for (const variant of variants) ctx.loaders.variantById.prime(variant.id, variant);
  return variants;
}

export async function productPriceRange(ctx: CatalogContext, product: ProductRow): Promise<{ min: Money; max: Money } | null> {
  return priceRangeOf(await listVariants(ctx, product));
}

export async function productAvailableForSale(ctx: CatalogContext, product: ProductRow): Promise<boolean> {
  const variants = await listVariants(ctx, product);
  const levels = await Promise.all(variants.map((variant) => listStockLevels(ctx, variant)));
  return levels.some((forVariant) => forVariant.some((level) => availableQuantity(level) > 0));
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
