import { toMoney } from '@omni/graphql';
import type { CatalogContext } from '../context';
import type { VariantRow } from '../db/schema';
import {
  getReferencedVariant,
  listStockLevels,
  variantAvailability,
  variantAvailableForSale,
  variantProduct,
} from '../services/variant-service';
import { variantFulfillment } from '../services/fulfillment-service';
import { variantCompareAtPrice, variantPriceIn, variantPrices } from '../services/product-service';

export const Variant = {
  __resolveReference: (reference: { id: string }, ctx: CatalogContext) => getReferencedVariant(ctx, reference.id),
  price: (variant: VariantRow) => toMoney(variant.priceMinor, variant.currencyCode),
  compareAtPrice: (variant: VariantRow) => variantCompareAtPrice(variant),
  prices: (variant: VariantRow, _: unknown, ctx: CatalogContext) => variantPrices(ctx, variant),
  priceIn: (variant: VariantRow, args: { currencyCode: string }, ctx: CatalogContext) => variantPriceIn(ctx, variant, args.currencyCode),
  fulfillment: (variant: VariantRow, _: unknown, ctx: CatalogContext) => variantFulfillment(ctx, variant),
  product: (variant: VariantRow, _: unknown, ctx: CatalogContext) => variantProduct(ctx, variant),
  availableForSale: (variant: VariantRow, _: unknown, ctx: CatalogContext) => variantAvailableForSale(ctx, variant),
  stockLevels: (variant: VariantRow, _: unknown, ctx: CatalogContext) => listStockLevels(ctx, variant),
  availability: (variant: VariantRow, args: { locationId: string }, ctx: CatalogContext) =>
    variantAvailability(ctx, variant, args.locationId),
};

export const VariantFulfillment = {
  pickupAfterTransfer: (fulfillment: { transfers: unknown[] }) => fulfillment.transfers,
};
