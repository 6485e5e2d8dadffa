import { fail, succeed, userError, type Outcome, type UserError } from '@omni/graphql';
import type { LocationCoverage } from '../clients/catalog-client';
import type { CartLineRow, CartRow, FulfillmentMethod, ShippingAddress, ShippingRateCode } from '../db/schema';
import { addDays, deliverySource, parcelLeadDays, planPickup, type ParcelSource } from './fulfillment-planner';
import { quoteShippingRates, zoneOf } from './shipping-rates';

/** What checkout asked for; `locationId` may be left out only for delivery. */
export interface CheckoutFulfillmentRequest {
  method: FulfillmentMethod;
  locationId?: string | null;
  shippingAddress?: ShippingAddress | null;
  shippingRate?: ShippingRateCode | null;
}

/** Where an order is fulfilled, where its stock is reserved, and what its parcel costs. */
export interface CheckoutFulfillment {
  /** The pickup store, the store shipping, or the location delivering. */
  locationId: string;
  /** Where the stock is reserved and sold: `locationId`, or the location a transfer comes from. */
  sourceLocationId: string;
  readyBy: Date | null;
  shipping: { rate: ShippingRateCode; feeMinor: number; estimatedDeliveryAt: Date } | null;
}

const LOCATION_FIELD = ['input', 'fulfillment', 'locationId'];

/**
 * The parcel's rate and fee, or null when nothing is shipped or no rate fits (`planCheckoutFulfillment`
 * then says why). The fee depends on the destination, the currency and the subtotal only, not on
 * where the parcel leaves from, so the final price can be asked for while the catalog is asked
 * where the stock is.
 */
export function parcelFee(request: CheckoutFulfillmentRequest, cart: Pick<CartRow, 'currencyCode'>, lines: readonly CartLineRow[]): { rate: ShippingRateCode; feeMinor: number } | null {
  if (request.method === 'PICKUP' || !request.shippingAddress) return null;
  const wanted = request.shippingRate ?? 'STANDARD';
  const rate = quoteShippingRates({ countryCode: request.shippingAddress.countryCode, currencyCode: cart.currencyCode, subtotalMinor: subtotalOf(lines), locationLeadDays: 0 }).find((candidate) => candidate.code === wanted);
  return rate ? { rate: rate.code, feeMinor: rate.feeMinor } : null;
}

const subtotalOf = (lines: readonly CartLineRow[]) => lines.reduce((sum, line) => sum + line.unitPriceMinor * line.quantity, 0);

/**
 * Decides the fulfillment of a checkout from one answer of the catalog (`coverage`: which
 * locations can fill the whole cart): pickup from the store's shelves or after a transfer
 * (endless aisle), delivery from the named location or, when none is named, the one that ships
 * everything soonest, and the parcel's rate for the destination.
 */
export function planCheckoutFulfillment(
  request: CheckoutFulfillmentRequest,
  cart: Pick<CartRow, 'currencyCode'>,
  lines: readonly CartLineRow[],
  coverage: readonly LocationCoverage[],
  now = new Date(),
): Outcome<CheckoutFulfillment> {
  const named = request.locationId ? coverage.find((entry) => entry.location.id === request.locationId) : undefined;
  if (request.locationId && !named) return fail(userError('NOT_FOUND', 'No such location', LOCATION_FIELD));

  if (request.method === 'PICKUP') {
    if (named!.location.kind !== 'STORE' || !named!.location.pickupEnabled) return fail(userError('INVALID', 'This location does not offer pickup', LOCATION_FIELD));
    const plan = planPickup(coverage, named!.location.id, now);
    if (!plan) return fail(...shortLines(named!.shortVariantIds, 'neither at this store nor at a location that transfers to it'));
    return succeed({ locationId: plan.storeId, sourceLocationId: plan.sourceId, readyBy: plan.readyBy, shipping: null });
  }

  let source: ParcelSource;
  if (named) {
    if (request.method === 'SHIP_FROM_STORE' && named.location.kind !== 'STORE') return fail(userError('INVALID', 'Only a store ships from store', LOCATION_FIELD));
    if (request.method === 'DELIVERY' && named.location.deliveryLeadDays === null) return fail(userError('INVALID', 'This location does not ship to customers', LOCATION_FIELD));
    if (named.shortVariantIds.length > 0) return fail(...shortLines(named.shortVariantIds, 'at this location'));
    source = { location: named.location, leadDays: parcelLeadDays(named.location) };
  } else {
    const soonest = deliverySource(coverage);
    if (!soonest) return fail(userError('OUT_OF_STOCK', 'No location that ships to customers holds every line of the cart', ['input', 'cartId']));
    source = soonest;
  }

  const countryCode = request.shippingAddress!.countryCode;
  const rates = quoteShippingRates({ countryCode, currencyCode: cart.currencyCode, subtotalMinor: subtotalOf(lines), locationLeadDays: source.leadDays });
  if (rates.length === 0) {
    const message = zoneOf(countryCode) ? `No parcel rate to ${countryCode} is priced in ${cart.currencyCode}` : `Parcels are not sent to ${countryCode}`;
    return fail(userError('INVALID', message, ['input', 'fulfillment', 'shippingAddress', 'countryCode']));
  }
  const wanted = request.shippingRate ?? 'STANDARD';
  const rate = rates.find((candidate) => candidate.code === wanted);
  if (!rate) {
    const offered = rates.map((candidate) => candidate.code).join(', ');
    return fail(userError('INVALID', `${wanted} is not offered to ${countryCode}; offered: ${offered}`, ['input', 'fulfillment', 'shippingRate']));
  }
  return succeed({
    locationId: source.location.id,
    sourceLocationId: source.location.id,
    readyBy: null,
    shipping: { rate: rate.code, feeMinor: rate.feeMinor, estimatedDeliveryAt: addDays(now, rate.transitDays) },
  });
}

function shortLines(variantIds: readonly string[], where: string): UserError[] {
  return variantIds.map((variantId) => userError('OUT_OF_STOCK', `Variant ${variantId}: not enough available ${where}`, ['input', 'cartId']));
}
