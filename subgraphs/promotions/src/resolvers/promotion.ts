import { toMoney } from '@omni/graphql';
import type { PromotionsContext } from '../context';
import type { PromotionRow } from '../db/schema';
import { getPromotion } from '../services/promotion-service';
import { confirmedUsage } from '../services/promotion-usage-service';
import { promotionRuleFields } from './promotion-rules';

export const Promotion = {
  __resolveReference: (reference: { id: string }, ctx: PromotionsContext) => getPromotion(ctx, reference.id),
  ...promotionRuleFields,
  amountOff: (promotion: PromotionRow) =>
    promotion.amountOffMinor === null ? null : toMoney(promotion.amountOffMinor, promotion.currencyCode),
  minimumSubtotal: (promotion: PromotionRow) =>
    promotion.minimumSubtotalMinor === null ? null : toMoney(promotion.minimumSubtotalMinor, promotion.currencyCode),
  budget: (promotion: PromotionRow) => (promotion.budgetMinor === null ? null : toMoney(promotion.budgetMinor, promotion.currencyCode)),
  timesUsed: async (promotion: PromotionRow, _: unknown, ctx: PromotionsContext) => (await confirmedUsage(ctx, promotion)).uses,
  personalOffer: (promotion: PromotionRow) =>
    promotion.offerTrigger && promotion.offerValidDays ? { trigger: promotion.offerTrigger, validForDays: promotion.offerValidDays } : null,
  budgetUsed: async (promotion: PromotionRow, _: unknown, ctx: PromotionsContext) =>
    toMoney((await confirmedUsage(ctx, promotion)).discountMinor, promotion.currencyCode),
};
