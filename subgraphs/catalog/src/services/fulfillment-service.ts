import type { CatalogContext } from '../context';
import type { StockLevelRecord } from '../db/inventory-queries';
import type { LocationRow, VariantRow } from '../db/schema';
import { planFulfillment } from './fulfillment-rules';
import { listStockLevels } from './variant-service';

export interface VariantFulfillment {
  pickupToday: StockLevelRecord[];
  transfers: { store: LocationRow; from: LocationRow; leadTimeDays: number }[];
  delivery: { from: LocationRow; leadTimeDays: number } | null;
}

/** Pickup today, pickup after a transfer, and delivery for one variant, from loaders shared by the whole page. */
export async function variantFulfillment(ctx: CatalogContext, variant: Pick<VariantRow, 'id'>): Promise<VariantFulfillment> {
  const [levels, locations] = await Promise.all([listStockLevels(ctx, variant), ctx.loaders.allLocations.load('all')]);
  for (const location of locations) ctx.loaders.locationById.prime(location.id, location);
  const plan = planFulfillment(levels, locations);
  const locationById = new Map(locations.map((location) => [location.id, location]));
  const levelAt = new Map(levels.map((level) => [level.locationId, level]));
  return {
    pickupToday: plan.pickupTodayIds.map((id) => levelAt.get(id)!),
    transfers: plan.transfers.map((transfer) => ({
      store: locationById.get(transfer.storeId)!,
      from: locationById.get(transfer.fromId)!,
      leadTimeDays: transfer.leadTimeDays,
    })),
    delivery: plan.delivery ? { from: locationById.get(plan.delivery.fromId)!, leadTimeDays: plan.delivery.leadTimeDays } : null,
  };
}
