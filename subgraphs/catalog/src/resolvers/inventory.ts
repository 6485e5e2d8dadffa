import type { ConnectionArgs } from '@omni/graphql';
import type { CatalogContext } from '../context';
import type { StockLevelRecord } from '../db/inventory-queries';
import { listAdjustments, stockAvailable, stockOnHand, stockReserved, stockSafetyStock } from '../services/inventory-service';
import { getLocation } from '../services/location-service';
import { canSeeInventoryInternals } from '../services/catalog-access';
import { getVariant } from '../services/variant-service';

type Located = Pick<StockLevelRecord, 'variantId' | 'locationId'>;

const variantOf = (record: Located, _: unknown, ctx: CatalogContext) => getVariant(ctx, record.variantId);
const locationOf = (record: Located, _: unknown, ctx: CatalogContext) => getLocation(ctx, record.locationId);

export const StockLevel = {
  variant: variantOf,
  location: locationOf,
  available: (level: StockLevelRecord) => stockAvailable(level),
  onHand: (level: StockLevelRecord, _: unknown, ctx: CatalogContext) => stockOnHand(ctx, level),
  reserved: (level: StockLevelRecord, _: unknown, ctx: CatalogContext) => stockReserved(ctx, level),
  safetyStock: (level: StockLevelRecord, _: unknown, ctx: CatalogContext) => stockSafetyStock(ctx, level),
  shortfall: (level: StockLevelRecord, _: unknown, ctx: CatalogContext) => (canSeeInventoryInternals(ctx.caller) ? level.shortfall : null),
  adjustments: (level: StockLevelRecord, args: ConnectionArgs, ctx: CatalogContext) => listAdjustments(ctx, level, args),
};

export const InventoryAdjustment = {
  variant: variantOf,
  location: locationOf,
  adjustedBy: (adjustment: { staffId: string | null }) =>
    adjustment.staffId ? { __typename: 'StaffMember', id: adjustment.staffId } : null,
};

export const InventoryReservation = {
  location: (reservation: { locationId: string }, _: unknown, ctx: CatalogContext) => getLocation(ctx, reservation.locationId),
};
