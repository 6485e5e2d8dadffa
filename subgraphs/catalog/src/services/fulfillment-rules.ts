import { availableQuantity, type StockQuantities } from './inventory-rules';

export interface FulfillmentLocation {
  id: string;
  kind: string;
  pickupEnabled: boolean;
  transferLeadDays: number | null;
  deliveryLeadDays: number | null;
}

export interface LocatedStock extends StockQuantities {
  locationId: string;
}

export interface TransferPlan {
  /** The store the shopper collects from. */
  storeId: string;
  /** The location the units travel from. */
  fromId: string;
  leadTimeDays: number;
}

export interface FulfillmentPlan {
  /** Pickup stores holding stock now, by location id. */
  pickupTodayIds: string[];
  /** Pickup stores without stock that a transfer can fill (endless aisle), by store id. */
  transfers: TransferPlan[];
  delivery: { fromId: string; leadTimeDays: number } | null;
}

/**
 * Where and how a shopper can get one unit of a variant. It depends only on stock and locations,
 * never on the channel asking, so the web shop, the app and the POS all give the same answer.
 */
export function planFulfillment(levels: readonly LocatedStock[], locations: readonly FulfillmentLocation[]): FulfillmentPlan {
  const available = new Map(levels.map((level) => [level.locationId, availableQuantity(level)]));
  const inStock = (location: FulfillmentLocation) => (available.get(location.id) ?? 0) > 0;
  const byId = [...locations].sort((a, b) => a.id.localeCompare(b.id));
  const pickupStores = byId.filter((location) => location.kind === 'STORE' && location.pickupEnabled);

  const senders = byId
    .filter((location) => location.transferLeadDays !== null && inStock(location))
    .sort((a, b) => a.transferLeadDays! - b.transferLeadDays! || a.id.localeCompare(b.id));
  const fastestSender = senders[0];
  const transfers = fastestSender
    ? pickupStores
        .filter((store) => !inStock(store) && store.id !== fastestSender.id)
        .map((store) => ({ storeId: store.id, fromId: fastestSender.id, leadTimeDays: fastestSender.transferLeadDays! }))
    : [];

  const shipper = byId
    .filter((location) => location.deliveryLeadDays !== null && inStock(location))
    .sort((a, b) => a.deliveryLeadDays! - b.deliveryLeadDays! || a.id.localeCompare(b.id))[0];

  return {
    pickupTodayIds: pickupStores.filter(inStock).map((store) => store.id),
    transfers,
    delivery: shipper ? { fromId: shipper.id, leadTimeDays: shipper.deliveryLeadDays! } : null,
  };
}

export interface CoverageLine {
  variantId: string;
  quantity: number;
}

export interface LocationCoverage {
  location: FulfillmentLocation;
  /** Variants this location cannot fill in the quantity asked; empty when it covers every line. */
  shortVariantIds: string[];
}

/**
 * Which locations can fill a whole cart on their own: per location, the lines whose quantity
 * exceeds what is available there. A cart is fulfilled from one location, so "covers everything"
 * is what decides pickup, transfer and delivery for it. Locations in id order; repeated variants
 * count together.
 */
export function coverageByLocation(levels: readonly (LocatedStock & { variantId: string })[], locations: readonly FulfillmentLocation[], lines: readonly CoverageLine[]): LocationCoverage[] {
  const wanted = new Map<string, number>();
  for (const line of lines) wanted.set(line.variantId, (wanted.get(line.variantId) ?? 0) + line.quantity);
  const availableAt = new Map(levels.map((level) => [`${level.variantId}|${level.locationId}`, availableQuantity(level)]));
  return [...locations]
    .sort((a, b) => a.id.localeCompare(b.id))
    .map((location) => ({
      location,
      shortVariantIds: [...wanted].filter(([variantId, quantity]) => (availableAt.get(`${variantId}|${location.id}`) ?? 0) < quantity).map(([variantId]) => variantId),
    }));
}
