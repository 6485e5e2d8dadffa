import type { GraphQLResolveInfo } from 'graphql';
import type { CatalogContext } from '../context';
import type { CategoryRow, ProductRow } from '../db/schema';
import {
  getCategory,
  getProductById,
  listVariants,
  productAvailableForSale,
  productCategory,
  productPriceRange,
} from '../services/product-service';
import { stockLocationAskedOf } from '../services/stock-look-ahead';

export const Product = {
  __resolveReference: (reference: { id: string }, ctx: CatalogContext) => getProductById(ctx, reference.id),
  category: (product: ProductRow, _: unknown, ctx: CatalogContext) => productCategory(ctx, product),
  variants: (product: ProductRow, _: unknown, ctx: CatalogContext, info: GraphQLResolveInfo) => listVariants(ctx, product, stockLocationAskedOf(info)),
  priceRange: (product: ProductRow, _: unknown, ctx: CatalogContext) => productPriceRange(ctx, product),
  availableForSale: (product: ProductRow, _: unknown, ctx: CatalogContext) => productAvailableForSale(ctx, product),
  publishedChannels: (product: ProductRow) => product.channels,
};

export const Category = {
  __resolveReference: (reference: { id: string }, ctx: CatalogContext): Promise<CategoryRow | null> => getCategory(ctx, reference.id),
};
