import { describe, expect, it } from 'vitest';
import { ServiceCallError } from '@omni/graphql';
import type { PromotionsClient } from '../clients/promotions-client';
import { checkQuote, listPricing, promotionsPricing, PricingUnavailableError, type PricingRequest } from './pricing';

const request: PricingRequest = {
  cartId: 'cart_1',
  customerId: null,
  channel: 'WEB',
  currencyCode: 'EUR',
  fulfillmentMethod: 'DELIVERY',
  locationId: 'loc_warehouse',
  couponCodes: [],
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
      discounts: [],
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
  const good = { lines: [{ lineId: 'line_1', unitPriceMinor: 1_999, discountMinor: 998 }, { lineId: 'line_2', unitPriceMinor: 500, discountMinor: 0 }], discounts: [{ promotionId: 'promo_1', couponCode: null, amountMinor: 998 }], subtotalMinor: 4_498, discountMinor: 998, shippingMinor: 0, totalMinor: 3_500 };

  it('accepts line discounts that add up', () => {
    expect(() => checkQuote(request, good)).not.toThrow();
  });

  it('refuses a discount above the line total, a missing line and totals that do not add up', () => {
    expect(() => checkQuote(request, { ...good, lines: [{ ...good.lines[0]!, discountMinor: 3_999 }, good.lines[1]!], discountMinor: 3_999, totalMinor: 499 })).toThrow(/outside/);
    expect(() => checkQuote(request, { ...good, lines: [good.lines[0]!] })).toThrow(/every cart line/);
    expect(() => checkQuote(request, { ...good, totalMinor: 3_400 })).toThrow(/add up/);
  });

  it('refuses a line quoted twice (hiding a missing one) and a unit price other than the one confirmed', () => {
    expect(() => checkQuote(request, { ...good, lines: [good.lines[0]!, good.lines[0]!] })).toThrow(/not in the cart/);
    expect(() => checkQuote(request, { ...good, lines: [{ ...good.lines[0]!, unitPriceMinor: 1_000 }, good.lines[1]!] })).toThrow(/another unit price/);
  });

  it('refuses a promotion applied twice: its usage would be held twice', () => {
    expect(() => checkQuote(request, { ...good, discounts: [good.discounts[0]!, good.discounts[0]!] })).toThrow(/repeats a promotion/);
  });
});

describe('promotionsPricing', () => {
  const quoted = {
    cartId: 'cart_1',
    currencyCode: 'EUR',
    subtotalMinor: 4_498,
    discountTotalMinor: 450,
    shippingMinor: 495,
    totalMinor: 4_543,
    discounts: [{ promotionId: 'promo_1', title: '10% off', amountMinor: 450, couponCode: 'WELCOME10' }],
    lines: [
      { lineId: 'line_1', unitPriceMinor: 1_999, discountMinor: 400 },
      { lineId: 'line_2', unitPriceMinor: 500, discountMinor: 50 },
    ],
  };

  const quoting = (quoteCart: PromotionsClient['quoteCart']): PromotionsClient => ({
    quoteCart,
    holdPromotionUsage: async () => ({ holdId: 'hold_1', refused: [] }),
    confirmPromotionUsage: async () => true,
    releasePromotionUsage: async () => true,
    couponCodeCheck: async () => ({ refusal: null, startsAt: null }),
  });

  it('sends the whole cart with its coupon codes and charges the quote, discounts per line and per promotion', async () => {
    const asked: unknown[] = [];
    const client = quoting(async (input) => (asked.push(input), quoted));
    const quote = await promotionsPricing(client)({ ...request, couponCodes: ['WELCOME10'] });
    expect(asked).toEqual([
      { cartId: 'cart_1', channel: 'WEB', locationId: 'loc_warehouse', customerId: null, currencyCode: 'EUR', lines: request.lines, couponCodes: ['WELCOME10'], shippingFeeMinor: 495 },
    ]);
    expect(quote).toEqual({
      lines: quoted.lines,
      discounts: [{ promotionId: 'promo_1', couponCode: 'WELCOME10', amountMinor: 450 }],
      subtotalMinor: 4_498,
      discountMinor: 450,
      shippingMinor: 495,
      totalMinor: 4_543,
    });
    expect(() => checkQuote(request, quote)).not.toThrow();
  });

  it('is unavailable, never list price, when promotions cannot answer or answer in another currency', async () => {
    const down = quoting(async () => { throw new ServiceCallError('connect ECONNREFUSED'); });
    await expect(promotionsPricing(down)(request)).rejects.toBeInstanceOf(PricingUnavailableError);
    const dollars = quoting(async () => ({ ...quoted, currencyCode: 'USD' }));
    await expect(promotionsPricing(dollars)(request)).rejects.toBeInstanceOf(PricingUnavailableError);
  });
});
