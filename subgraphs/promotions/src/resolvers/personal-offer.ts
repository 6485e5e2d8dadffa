import type { PromotionsContext } from '../context';
import type { PersonalOfferRow } from '../db/schema';
import { listOffersOfCustomer, statusOfOffer } from '../services/personal-offer-service';

/** The customer entity is owned by the customer subgraph; this subgraph adds the customer's offers. */
export const Customer = {
  __resolveReference: (reference: { id: string }) => ({ id: reference.id }),
  offers: (customer: { id: string }, _: unknown, ctx: PromotionsContext) => listOffersOfCustomer(ctx, customer.id),
};

export const PersonalOffer = {
  promotion: (offer: PersonalOfferRow, _: unknown, ctx: PromotionsContext) => ctx.loaders.promotionById.load(offer.promotionId),
  title: async (offer: PersonalOfferRow, _: unknown, ctx: PromotionsContext) => (await ctx.loaders.promotionById.load(offer.promotionId))?.name ?? '',
  description: async (offer: PersonalOfferRow, _: unknown, ctx: PromotionsContext) => (await ctx.loaders.promotionById.load(offer.promotionId))?.description ?? null,
  // The catalog resolves the rest of the product from its id.
  product: (offer: PersonalOfferRow) => (offer.productId ? { id: offer.productId } : null),
  status: (offer: PersonalOfferRow, _: unknown, ctx: PromotionsContext) => statusOfOffer(ctx, offer),
};
