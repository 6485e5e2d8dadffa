import { isIdOf } from '@omni/db';
import type { CatalogContext } from '../context';
import { stockLevelKey, type StockLevelRecord } from '../db/inventory-queries';
import type { ProductRow, VariantRow } from '../db/schema';
import { isReferenceVisibleTo, isVisibleTo, requireCatalogRead } from './catalog-access';

export async function getVariant(ctx: CatalogContext, id: string): Promise<VariantRow | null> {
  requireCatalogRead(ctx.caller);
  if (!isIdOf('var', id)) return null;
  return ctx.loaders.variantById.load(id);
}

/** A variant looked up directly: only when its product is published in the caller's channel. */
export async function findVisibleVariant(ctx: CatalogContext, id: string): Promise<VariantRow | null> {
  return onlyVisible(ctx, await getVariant(ctx, id));
}

/** A variant another subgraph holds a reference to: visible as its product is (see getProductById). */
export async function getReferencedVariant(ctx: CatalogContext, id: string): Promise<VariantRow | null> {
  const variant = await getVariant(ctx, id);
  if (!variant) return null;
  const product = await ctx.loaders.productById.load(variant.productId);
  return product && isReferenceVisibleTo(ctx.caller, product) ? variant : null;
}

/** SKUs and barcodes are matched exactly: a scanner or a POS sends them as printed. */
export async function getVariantBySku(ctx: CatalogContext, sku: string): Promise<VariantRow | null> {
  requireCatalogRead(ctx.caller);
  const trimmed = sku.trim();
  if (!trimmed) return null;
  const variant = await ctx.loaders.variantBySku.load(trimmed);
  if (variant) ctx.loaders.variantById.prime(variant.id, variant);
  return onlyVisible(ctx, variant);
}

export async function getVariantByBarcode(ctx: CatalogContext, barcode: string): Promise<VariantRow | null> {
  requireCatalogRead(ctx.caller);
  const trimmed = barcode.trim();
  if (!trimmed) return null;
  const variant = await ctx.loaders.variantByBarcode.load(trimmed);
  if (variant) ctx.loaders.variantById.prime(variant.id, variant);
  return onlyVisible(ctx, variant);
}

async function onlyVisible(ctx: CatalogContext, variant: VariantRow | null): Promise<VariantRow | null> {
  if (!variant) return null;
  const product = await ctx.loaders.productById.load(variant.productId);
  return product && isVisibleTo(ctx.caller, product) ? variant : null;
}

export async function variantProduct(ctx: CatalogContext, variant: VariantRow): Promise<ProductRow | null> {
  return ctx.loaders.productById.load(variant.productId);
}

/** One level per location, stores and warehouses alike, ordered by location. */
export function listStockLevels(ctx: CatalogContext, variant: Pick<VariantRow, 'id'>): Promise<StockLevelRecord[]> {
  return ctx.loaders.stockLevelsByVariantId.load(variant.id);
}

/** Null only when the location does not exist. One row per variant, however many locations there are. */
export function variantAvailability(ctx: CatalogContext, variant: VariantRow, locationId: string): Promise<StockLevelRecord | null> | null {
  if (!isIdOf('loc', locationId)) return null;
  return ctx.loaders.stockLevelAt.load(stockLevelKey(variant.id, locationId));
}

export async function variantAvailableForSale(ctx: CatalogContext, variant: Pick<VariantRow, 'id'>): Promise<boolean> {
  const total = await ctx.loaders.availableTotalByVariantId.load(variant.id);
  return (total?.available ?? 0) > 0;
}
