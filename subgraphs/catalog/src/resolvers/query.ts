import type { ConnectionArgs } from '@omni/graphql';
import type { CatalogContext } from '../context';
import type { ProductSort } from '../db/catalog-queries';
import { listCatalogChanges } from '../services/feed-service';
import { getLocation, listLocations, type LocationKind } from '../services/location-service';
import { getProduct, listCategories, listProducts, type ProductFilterInput } from '../services/product-service';
import { stockCoverage } from '../services/fulfillment-service';
import type { CoverageLine } from '../services/fulfillment-rules';
import { getReservation } from '../services/reservation-service';
import { findVisibleVariant, getVariantByBarcode, getVariantBySku } from '../services/variant-service';
import { getProductPublications, getVariantSnapshots } from '../services/variant-snapshot-service';

export const Query = {
  product: (_: unknown, args: { id?: string | null; slug?: string | null }, ctx: CatalogContext) => getProduct(ctx, args),
  products: (_: unknown, args: ConnectionArgs & { filter?: ProductFilterInput | null; sort?: ProductSort | null }, ctx: CatalogContext) =>
    listProducts(ctx, args),
  catalogChanges: (_: unknown, args: ConnectionArgs, ctx: CatalogContext) => listCatalogChanges(ctx, args),
  categories: (_: unknown, __: unknown, ctx: CatalogContext) => listCategories(ctx),
  variant: (_: unknown, args: { id: string }, ctx: CatalogContext) => findVisibleVariant(ctx, args.id),
  variantBySku: (_: unknown, args: { sku: string }, ctx: CatalogContext) => getVariantBySku(ctx, args.sku),
  variantByBarcode: (_: unknown, args: { barcode: string }, ctx: CatalogContext) => getVariantByBarcode(ctx, args.barcode),
  locations: (_: unknown, args: { kind?: LocationKind | null }, ctx: CatalogContext) => listLocations(ctx, args.kind ?? null),
  location: (_: unknown, args: { id: string }, ctx: CatalogContext) => getLocation(ctx, args.id),
  variantSnapshots: (_: unknown, args: { ids: string[]; currencyCode?: string | null }, ctx: CatalogContext) => getVariantSnapshots(ctx, args.ids, args.currencyCode ?? null),
  productPublications: (_: unknown, args: { ids: string[] }, ctx: CatalogContext) => getProductPublications(ctx, args.ids),
  inventoryReservation: (_: unknown, args: { id: string }, ctx: CatalogContext) => getReservation(ctx, args.id),
  stockCoverage: (_: unknown, args: { lines: CoverageLine[] }, ctx: CatalogContext) => stockCoverage(ctx, args.lines),
};
