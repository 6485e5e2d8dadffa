import { isIdOf } from '@omni/db';
import type { CatalogContext } from '../context';
import type { StockLevelRecord } from '../db/inventory-queries';
import type { ProductRow, VariantRow } from '../db/schema';
import { requireCatalogRead } from './catalog-access';
import { availableQuantity } from './inventory-rules';

export async function getVariant(ctx: CatalogContext, id: string): Promise<VariantRow | null> {
  requireCatalogRead(ctx.caller);
  if (!isIdOf('var', id)) return null;
  return ctx.loaders.variantById.load(id);
}

/** SKUs and barcodes are matched exactly: a scanner or a POS sends them as printed. */
export async function getVariantBySku(ctx: CatalogContext, sku: string): Promise<VariantRow | null> {
  requireCatalogRead(ctx.caller);
  const trimmed = sku.trim();
  if (!trimmed) return null;
  const variant = await ctx.loaders.variantBySku.load(trimmed);
  if (variant) ctx.loaders.variantById.prime(variant.id, variant);
  return variant;
}

export async function getVariantByBarcode(ctx: CatalogContext, barcode: string): Promise<VariantRow | null> {
  requireCatalogRead(ctx.caller);
  const trimmed = barcode.trim();
  if (!trimmed) return null;
  const variant = await ctx.loaders.variantByBarcode.load(trimmed);
  if (variant) ctx.loaders.variantById.prime(variant.id, variant);
  return variant;
}

export async function variantProduct(ctx: CatalogContext, variant: VariantRow): Promise<ProductRow | null> {
  return ctx.loaders.productById.load(variant.productId);
}

/** One level per location, stores and warehouses alike, ordered by location. */
export function listStockLevels(ctx: CatalogContext, variant: Pick<VariantRow, 'id'>): Promise<StockLevelRecord[]> {
  return ctx.loaders.stockLevelsByVariantId.load(variant.id);
}

/** Null only when the location does not exist. */
export async function variantAvailability(ctx: CatalogContext, variant: VariantRow, locationId: string): Promise<StockLevelRecord | null> {
  const levels = await listStockLevels(ctx, variant);
  return levels.find((level) => level.locationId === locationId) ?? null;
}

export async function variantAvailableForSale(ctx: CatalogContext, variant: VariantRow): Promise<boolean> {
  const levels = await listStockLevels(ctx, variant);
  return levels.some((level) => availableQuantity(level) > 0);
}
