import type { Outcome } from '@omni/graphql';
import type { CatalogContext } from '../context';
import { adjustInventory, setSafetyStock, type AdjustInventoryInput, type SetSafetyStockInput } from '../services/inventory-service';
import { restockReturnedInventory, type RestockReturnedInventoryInput } from '../services/return-restock-service';
import { recordOfflineSaleStock, type RecordOfflineSaleStockInput } from '../services/offline-sale-stock-service';
import {
  changePublication,
  createProduct,
  setVariantPrice,
  updateProduct,
  updateVariant,
  type CreateProductInput,
  type PublicationInput,
  type SetVariantPriceInput,
  type UpdateProductInput,
  type UpdateVariantInput,
} from '../services/product-admin-service';
import {
  commitReservation,
  releaseReservation,
  reserveInventory,
  type ReservationIdInput,
  type ReserveInventoryInput,
} from '../services/reservation-service';

/** `{ <name>: value, userErrors: [] }` on success, `{ <name>: null, userErrors }` when refused. */
function payload<T, K extends string>(name: K, outcome: Outcome<T>) {
  return outcome.ok ? { [name]: outcome.value, userErrors: [] } : { [name]: null, userErrors: outcome.userErrors };
}

export const Mutation = {
  async adjustInventory(_: unknown, args: { input: AdjustInventoryInput }, ctx: CatalogContext) {
    const outcome = await adjustInventory(ctx, args.input);
    return outcome.ok
      ? { stockLevel: outcome.value.stockLevel, adjustment: outcome.value.adjustment, userErrors: [] }
      : { stockLevel: null, adjustment: null, userErrors: outcome.userErrors };
  },
  async restockReturnedInventory(_: unknown, args: { input: RestockReturnedInventoryInput }, ctx: CatalogContext) {
    const outcome = await restockReturnedInventory(ctx, args.input);
    return outcome.ok
      ? { stockLevel: outcome.value.stockLevel, adjustment: outcome.value.adjustment, userErrors: [] }
      : { stockLevel: null, adjustment: null, userErrors: outcome.userErrors };
  },
  async recordOfflineSaleStock(_: unknown, args: { input: RecordOfflineSaleStockInput }, ctx: CatalogContext) {
    const outcome = await recordOfflineSaleStock(ctx, args.input);
    return outcome.ok ? { lines: outcome.value, userErrors: [] } : { lines: [], userErrors: outcome.userErrors };
  },
  setSafetyStock: async (_: unknown, args: { input: SetSafetyStockInput }, ctx: CatalogContext) =>
    payload('stockLevel', await setSafetyStock(ctx, args.input)),
  createProduct: async (_: unknown, args: { input: CreateProductInput }, ctx: CatalogContext) =>
    payload('product', await createProduct(ctx, args.input)),
  updateProduct: async (_: unknown, args: { input: UpdateProductInput }, ctx: CatalogContext) =>
    payload('product', await updateProduct(ctx, args.input)),
  updateVariant: async (_: unknown, args: { input: UpdateVariantInput }, ctx: CatalogContext) =>
    payload('variant', await updateVariant(ctx, args.input)),
  setVariantPrice: async (_: unknown, args: { input: SetVariantPriceInput }, ctx: CatalogContext) =>
    payload('variant', await setVariantPrice(ctx, args.input)),
  publishProduct: async (_: unknown, args: { input: PublicationInput }, ctx: CatalogContext) =>
    payload('product', await changePublication(ctx, args.input, 'publish')),
  unpublishProduct: async (_: unknown, args: { input: PublicationInput }, ctx: CatalogContext) =>
    payload('product', await changePublication(ctx, args.input, 'unpublish')),
  reserveInventory: async (_: unknown, args: { input: ReserveInventoryInput }, ctx: CatalogContext) =>
    payload('reservation', await reserveInventory(ctx, args.input)),
  releaseInventoryReservation: async (_: unknown, args: { input: ReservationIdInput }, ctx: CatalogContext) =>
    payload('reservation', await releaseReservation(ctx, args.input)),
  commitInventoryReservation: async (_: unknown, args: { input: ReservationIdInput }, ctx: CatalogContext) =>
    payload('reservation', await commitReservation(ctx, args.input)),
};
