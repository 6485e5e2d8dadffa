import { isIdOf } from '@omni/db';
import { badUserInput, requireInternalCall } from '@omni/graphql';
import type { CatalogContext } from '../context';
import { findStockLevelsByVariantIds, type StockLevelRecord } from '../db/inventory-queries';
import type { LocationRow, VariantRow } from '../db/schema';
import { coverageByLocation, planFulfillment, type CoverageLine, type LocationCoverage } from './fulfillment-rules';
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

export const MAX_COVERAGE_LINES = 250;

/**
 * Internal, for the cart: every location with the lines of a cart it cannot fill now. One call
 * answers pickup options, transfers, delivery and checkout's choice of the location to reserve at.
 */
export async function stockCoverage(ctx: CatalogContext, lines: readonly CoverageLine[]): Promise<LocationCoverage[]> {
  requireInternalCall(ctx.caller);
  if (lines.length === 0 || lines.length > MAX_COVERAGE_LINES) throw badUserInput(`Between 1 and ${MAX_COVERAGE_LINES} lines per call`);
  if (lines.some((line) => !Number.isInteger(line.quantity) || line.quantity < 1)) throw badUserInput('Every quantity must be a whole number of at least 1');
  const variantIds = [...new Set(lines.map((line) => line.variantId).filter((id) => isIdOf('var', id)))];
  const [levels, locations] = await Promise.all([variantIds.length > 0 ? findStockLevelsByVariantIds(ctx.db, variantIds) : [], ctx.loaders.allLocations.load('all')]);
  return coverageByLocation(levels, locations, lines);
}
