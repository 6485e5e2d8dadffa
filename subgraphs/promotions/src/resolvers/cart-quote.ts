import type { CartQuote as Quote } from '../services/quote-service';

/**
 * The quote's discounts name their promotion by id: the cart subgraph stores ids, not promotions.
 * A promotion that took nothing off yet (a gift not in the cart) is left out: there is no use to hold.
 */
export const CartQuote = {
  discounts: (quote: Quote) =>
    quote.pricing.result.applied
      .filter((applied) => applied.amountMinor > 0)
      .map((applied) => ({ promotionId: applied.promotionId, title: applied.name, amountMinor: applied.amountMinor, couponCode: applied.couponCode })),
};

export const CartQuoteLine = {
  allocations: (line: Quote['lines'][number]) => line.byPromotion,
};
