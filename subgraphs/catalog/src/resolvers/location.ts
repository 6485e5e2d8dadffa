import type { CatalogContext } from '../context';
import type { LocationRow } from '../db/schema';
import { getLocation, listStockShortfalls, locationAddress } from '../services/location-service';

export const Location = {
  __resolveReference: (reference: { id: string }, ctx: CatalogContext) => getLocation(ctx, reference.id),
  address: (location: LocationRow) => locationAddress(location),
  stockShortfalls: (location: LocationRow, _: unknown, ctx: CatalogContext) => listStockShortfalls(ctx, location),
};
