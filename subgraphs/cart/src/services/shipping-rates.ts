import type { ShippingRateCode } from '../db/schema';

/** What one rate costs in one currency; parcels from `freeFromMinor` of subtotal ship free. */
interface RatePrice {
  feeMinor: number;
  freeFromMinor: number | null;
}

interface ZoneRate {
  code: ShippingRateCode;
  title: string;
  /** Days in transit, from the shipping location's own lead days. */
  days: (locationLeadDays: number) => number;
  prices: Readonly<Record<string, RatePrice>>;
}

interface ShippingZone {
  name: string;
  countryCodes: readonly string[];
  rates: readonly ZoneRate[];
}

const standard = (extraDays: number, prices: Record<string, RatePrice>): ZoneRate => ({
  code: 'STANDARD',
  title: 'Standard delivery',
  days: (leadDays) => leadDays + extraDays,
  prices,
});

/**
 * Where parcels go and what they cost, by destination zone and currency, as a shop configures
 * shipping zones. A country outside every zone is not shipped to; a currency a zone has no price
 * for cannot pay for that rate. Express is next-day and domestic only.
 */
export const SHIPPING_ZONES: readonly ShippingZone[] = [
  {
    name: 'Germany',
    countryCodes: ['DE'],
    rates: [
      standard(0, { EUR: { feeMinor: 495, freeFromMinor: 10_000 }, USD: { feeMinor: 595, freeFromMinor: 12_000 } }),
      { code: 'EXPRESS', title: 'Express, next day', days: () => 1, prices: { EUR: { feeMinor: 1295, freeFromMinor: null }, USD: { feeMinor: 1495, freeFromMinor: null } } },
    ],
  },
  {
    name: 'European Union',
    countryCodes: ['AT', 'BE', 'BG', 'CY', 'CZ', 'DK', 'EE', 'ES', 'FI', 'FR', 'GR', 'HR', 'HU', 'IE', 'IT', 'LT', 'LU', 'LV', 'MT', 'NL', 'PL', 'PT', 'RO', 'SE', 'SI', 'SK'],
    rates: [standard(2, { EUR: { feeMinor: 995, freeFromMinor: 20_000 }, USD: { feeMinor: 1195, freeFromMinor: 24_000 } })],
  },
];

/** One way a parcel can be sent, priced for a cart. */
export interface QuotedRate {
  code: ShippingRateCode;
  title: string;
  feeMinor: number;
  transitDays: number;
}

export function zoneOf(countryCode: string): ShippingZone | null {
  return SHIPPING_ZONES.find((zone) => zone.countryCodes.includes(countryCode)) ?? null;
}

/** The rates a parcel to `countryCode` can go by, priced for a cart of `subtotalMinor` in `currencyCode`. */
export function quoteShippingRates(args: { countryCode: string; currencyCode: string; subtotalMinor: number; locationLeadDays: number }): QuotedRate[] {
  const zone = zoneOf(args.countryCode);
  if (!zone) return [];
  return zone.rates.flatMap((rate) => {
    const price = rate.prices[args.currencyCode];
    if (!price) return [];
    const free = price.freeFromMinor !== null && args.subtotalMinor >= price.freeFromMinor;
    return [{ code: rate.code, title: rate.title, feeMinor: free ? 0 : price.feeMinor, transitDays: rate.days(args.locationLeadDays) }];
  });
}
