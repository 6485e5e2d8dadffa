import { badUserInput } from '@omni/graphql';
import type { CartRow, ShippingRateCode } from '../db/schema';
import { addDays, deliverySource, pickupPlans, type PickupPlan } from './fulfillment-planner';
import { quoteShippingRates } from './shipping-rates';
import type { CartContext } from '../context';

/** A parcel option of a cart, as `Cart.shippingOptions` lists it. */
export interface ShippingOption {
  rate: ShippingRateCode;
  title: string;
  feeMinor: number;
  currencyCode: string;
  method: 'DELIVERY';
  locationId: string;
  transitDays: number;
  estimatedDeliveryAt: Date;
}

const COUNTRY_CODE = /^[A-Z]{2}$/;

/** Rates for a parcel of the whole cart to `countryCode`, cheapest first, from the soonest location that ships it all. */
export async function listShippingOptions(ctx: CartContext, cart: CartRow, countryCode: string, now = new Date()): Promise<ShippingOption[]> {
  if (!COUNTRY_CODE.test(countryCode)) throw badUserInput('countryCode must be an ISO 3166 alpha-2 code such as "DE"');
  const source = deliverySource(await ctx.loaders.coverageByCartId.load(cart.id));
  if (!source) return [];
  return quoteShippingRates({ countryCode, currencyCode: cart.currencyCode, subtotalMinor: cart.subtotalMinor, locationLeadDays: source.leadDays })
    .map((rate) => ({
      rate: rate.code,
      title: rate.title,
      feeMinor: rate.feeMinor,
      currencyCode: cart.currencyCode,
      method: 'DELIVERY' as const,
      locationId: source.location.id,
      transitDays: rate.transitDays,
      estimatedDeliveryAt: addDays(now, rate.transitDays),
    }))
    .sort((a, b) => a.feeMinor - b.feeMinor || a.transitDays - b.transitDays);
}

/** Stores where the whole cart can be collected, soonest first. */
export async function listPickupOptions(ctx: CartContext, cart: CartRow, now = new Date()): Promise<PickupPlan[]> {
  return pickupPlans(await ctx.loaders.coverageByCartId.load(cart.id), now);
}
