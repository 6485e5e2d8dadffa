import type { ConnectionArgs } from '@omni/graphql';
import type { PromotionsContext } from '../context';
import type { PromotionListFilter } from '../db/promotion-queries';
import { getPromotion, listPromotionsPage } from '../services/promotion-service';
import { quoteCart, type CartQuoteInput } from '../services/quote-service';
import { checkCouponCode, type CouponCodeCheckInput } from '../services/coupon-code-check-service';

export const Query = {
  promotion: (_: unknown, args: { id: string }, ctx: PromotionsContext) => getPromotion(ctx, args.id),
  promotions: (_: unknown, args: ConnectionArgs & { filter?: PromotionListFilter | null }, ctx: PromotionsContext) =>
    listPromotionsPage(ctx, args),
  quoteCart: (_: unknown, args: { input: CartQuoteInput }, ctx: PromotionsContext) => quoteCart(ctx, args.input),
  couponCodeCheck: (_: unknown, args: CouponCodeCheckInput, ctx: PromotionsContext) => checkCouponCode(ctx, args),
};
