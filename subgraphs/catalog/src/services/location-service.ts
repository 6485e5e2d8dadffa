import { isIdOf } from '@omni/db';
import type { CatalogContext } from '../context';
import { findLocations } from '../db/catalog-queries';
import type { LocationRow } from '../db/schema';
import { canSeeInventoryInternals, requireCatalogRead } from './catalog-access';

export const LOCATION_KINDS = ['STORE', 'WAREHOUSE'] as const;
export type LocationKind = (typeof LOCATION_KINDS)[number];

export async function getLocation(ctx: CatalogContext, id: string): Promise<LocationRow | null> {
  requireCatalogRead(ctx.caller);
  if (!isIdOf('loc', id)) return null;
  return ctx.loaders.locationById.load(id);
}

/** Stores and warehouses are public: shoppers pick a store for pickup, partners show where to buy. */
export async function listLocations(ctx: CatalogContext, kind: LocationKind | null): Promise<LocationRow[]> {
  requireCatalogRead(ctx.caller);
  const rows = await findLocations(ctx.db, { kind });
  for (const row of rows) ctx.loaders.locationById.prime(row.id, row);
  return rows;
}

export function locationAddress(location: LocationRow) {
  return { street: location.street, city: location.city, postalCode: location.postalCode, countryCode: location.countryCode };
}

/**
 * `Location.stockShortfalls`: levels an offline sale left short, for staff who read stock
 * internals (null for everyone else, as `StockLevel.onHand`).
 */
export async function listStockShortfalls(ctx: CatalogContext, location: LocationRow) {
  if (!canSeeInventoryInternals(ctx.caller)) return null;
  return ctx.loaders.shortfallsByLocationId.load(location.id);
}
