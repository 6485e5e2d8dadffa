import { describe, expect, it } from 'vitest';
import { quoteShippingRates } from './shipping-rates';

describe('quoteShippingRates', () => {
  const base = { countryCode: 'DE', currencyCode: 'EUR', subtotalMinor: 5_000, locationLeadDays: 3 };

  it('offers standard and next-day express at home, with transit from the shipping location', () => {
    expect(quoteShippingRates(base)).toEqual([
      { code: 'STANDARD', title: 'Standard delivery', feeMinor: 495, transitDays: 3 },
      { code: 'EXPRESS', title: 'Express, next day', feeMinor: 1295, transitDays: 1 },
    ]);
  });

  it('ships standard free from the threshold, express never', () => {
    const [standard, express] = quoteShippingRates({ ...base, subtotalMinor: 10_000 });
    expect(standard!.feeMinor).toBe(0);
    expect(express!.feeMinor).toBe(1295);
    expect(quoteShippingRates({ ...base, subtotalMinor: 9_999 })[0]!.feeMinor).toBe(495);
  });

  it('sends only standard to the rest of the EU, two days longer, and nothing outside the zones', () => {
    expect(quoteShippingRates({ ...base, countryCode: 'FR' })).toEqual([{ code: 'STANDARD', title: 'Standard delivery', feeMinor: 995, transitDays: 5 }]);
    expect(quoteShippingRates({ ...base, countryCode: 'US' })).toEqual([]);
  });

  it('prices in the cart currency and offers nothing in a currency no rate is priced in', () => {
    expect(quoteShippingRates({ ...base, currencyCode: 'USD' }).map((rate) => rate.feeMinor)).toEqual([595, 1495]);
    expect(quoteShippingRates({ ...base, currencyCode: 'JPY' })).toEqual([]);
  });
});
