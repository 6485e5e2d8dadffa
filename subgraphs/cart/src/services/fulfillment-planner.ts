import type { LocationCoverage } from '../clients/catalog-client';

/** How long a store takes to put a pickup order aside once it is placed. */
export const PICKUP_PREPARATION_MS = 2 * 60 * 60 * 1000;
/** Transit days of a parcel from a store that has no delivery lead time of its own. */
export const STORE_PARCEL_DAYS = 2;
const DAY_MS = 24 * 60 * 60 * 1000;

type CoverageLocation = LocationCoverage['location'];

/** Pickup at one store: from its own shelves, or after a transfer from another location. */
export interface PickupPlan {
  storeId: string;
  /** Where the units are reserved and sold. */
  sourceId: string;
  transfer: boolean;
  readyBy: Date;
}

/** A parcel to the shopper, sent from one location. */
export interface ParcelSource {
  location: CoverageLocation;
  leadDays: number;
}

const coversAll = (entry: LocationCoverage) => entry.shortVariantIds.length === 0;
const byLeadThenId = (lead: (location: CoverageLocation) => number) => (a: LocationCoverage, b: LocationCoverage) =>
  lead(a.location) - lead(b.location) || a.location.id.localeCompare(b.location.id);

/**
 * A cart is fulfilled from one location, so a pickup store serves it from its own stock when it
 * holds every line; otherwise the fastest location that sends transfers and holds every line
 * sends the whole cart there (endless aisle), ready after its transfer lead time. Null when
 * neither can, or the store does not offer pickup.
 */
export function planPickup(coverage: readonly LocationCoverage[], storeId: string, now: Date): PickupPlan | null {
  const store = coverage.find((entry) => entry.location.id === storeId);
  if (!store || store.location.kind !== 'STORE' || !store.location.pickupEnabled) return null;
  if (coversAll(store)) return { storeId, sourceId: storeId, transfer: false, readyBy: new Date(now.getTime() + PICKUP_PREPARATION_MS) };
  const sender = coverage
    .filter((entry) => entry.location.id !== storeId && entry.location.transferLeadDays !== null && coversAll(entry))
    .sort(byLeadThenId((location) => location.transferLeadDays!))[0];
  if (!sender) return null;
  return { storeId, sourceId: sender.location.id, transfer: true, readyBy: new Date(now.getTime() + sender.location.transferLeadDays! * DAY_MS) };
}

/** Every store where the cart can be collected, soonest first (then by store id). */
export function pickupPlans(coverage: readonly LocationCoverage[], now: Date): PickupPlan[] {
  return coverage
    .map((entry) => planPickup(coverage, entry.location.id, now))
    .filter((plan): plan is PickupPlan => plan !== null)
    .sort((a, b) => a.readyBy.getTime() - b.readyBy.getTime() || a.storeId.localeCompare(b.storeId));
}

/** The location that delivers the whole cart soonest: it ships to customers and holds every line. */
export function deliverySource(coverage: readonly LocationCoverage[]): ParcelSource | null {
  const shipper = coverage
    .filter((entry) => entry.location.deliveryLeadDays !== null && coversAll(entry))
    .sort(byLeadThenId((location) => location.deliveryLeadDays!))[0];
  return shipper ? { location: shipper.location, leadDays: shipper.location.deliveryLeadDays! } : null;
}

/** Days a parcel from this location takes before transit rates apply. */
export function parcelLeadDays(location: CoverageLocation): number {
  return location.deliveryLeadDays ?? STORE_PARCEL_DAYS;
}

export function addDays(now: Date, days: number): Date {
  return new Date(now.getTime() + days * DAY_MS);
}
