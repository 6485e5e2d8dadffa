import { toMoney } from '@omni/graphql';
import type { PromotionsContext } from '../context';
import type { PromotionRow } from '../db/schema';
import { getPromotion } from '../services/promotion-service';

export const Promotion = {
  __resolveReference: (reference: { id: string }, ctx: PromotionsContext) => getPromotion(ctx, reference.id),
  amountOff: (promotion: PromotionRow) =>
    promotion.amountOffMinor === null ? null : toMoney(promotion.amountOffMinor, promotion.currencyCode),
  minimumSubtotal: (promotion: PromotionRow) =>
    promotion.minimumSubtotalMinor === null ? null : toMoney(promotion.minimumSubtotalMinor, promotion.currencyCode),
};
