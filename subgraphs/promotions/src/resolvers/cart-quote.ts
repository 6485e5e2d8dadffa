import type { CartQuote as Quote } from '../services/quote-service';

/** The quote's discounts name their promotion by id: the cart subgraph stores ids, not promotions. */
export const CartQuote = {
  discounts: (quote: Quote) =>
    quote.pricing.discounts.map((discount) => ({ promotionId: discount.promotion.id, title: discount.title, amountMinor: discount.amountMinor })),
};

export const CartQuoteLine = {
  allocations: (line: Quote['lines'][number]) => line.byPromotion,
};
