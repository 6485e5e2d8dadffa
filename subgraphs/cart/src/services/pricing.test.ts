import { describe, expect, it } from 'vitest';
import { checkQuote, listPricing, type PricingRequest } from './pricing';

const request: PricingRequest = {
  cartId: 'cart_1',
  customerId: null,
  channel: 'WEB',
  currencyCode: 'EUR',
  fulfillmentMethod: 'DELIVERY',
  shipping: { rate: 'STANDARD', feeMinor: 495 },
  lines: [
    { lineId: 'line_1', variantId: 'var_1', quantity: 2, unitPriceMinor: 1_999 },
    { lineId: 'line_2', variantId: 'var_2', quantity: 1, unitPriceMinor: 500 },
  ],
};

describe('listPricing', () => {
  it('charges list prices without discounts, plus the parcel fee of the chosen rate', async () => {
    const quote = await listPricing(request);
    expect(quote).toEqual({
      lines: [
        { lineId: 'line_1', unitPriceMinor: 1_999, discountMinor: 0 },
        { lineId: 'line_2', unitPriceMinor: 500, discountMinor: 0 },
      ],
      subtotalMinor: 4_498,
      discountMinor: 0,
      shippingMinor: 495,
      totalMinor: 4_993,
    });
    expect(() => checkQuote(request, quote)).not.toThrow();
  });

  it('charges no shipping for pickup', async () => {
    const quote = await listPricing({ ...request, fulfillmentMethod: 'PICKUP', shipping: null });
    expect(quote.shippingMinor).toBe(0);
    expect(quote.totalMinor).toBe(4_498);
  });
});

describe('checkQuote', () => {
  const good = { lines: [{ lineId: 'line_1', unitPriceMinor: 1_999, discountMinor: 998 }, { lineId: 'line_2', unitPriceMinor: 500, discountMinor: 0 }], subtotalMinor: 4_498, discountMinor: 998, shippingMinor: 0, totalMinor: 3_500 };

  it('accepts line discounts that add up', () => {
    expect(() => checkQuote(request, good)).not.toThrow();
  });

  it('refuses a discount above the line total, a missing line and totals that do not add up', () => {
    expect(() => checkQuote(request, { ...good, lines: [{ ...good.lines[0]!, discountMinor: 3_999 }, good.lines[1]!], discountMinor: 3_999, totalMinor: 499 })).toThrow(/outside/);
    expect(() => checkQuote(request, { ...good, lines: [good.lines[0]!] })).toThrow(/every cart line/);
    expect(() => checkQuote(request, { ...good, totalMinor: 3_400 })).toThrow(/add up/);
  });
});
