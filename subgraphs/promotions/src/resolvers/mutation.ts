import type { PromotionsContext } from '../context';
import {
  createPromotion,
  setPromotionStatus,
  type CreatePromotionInput,
  type SetPromotionStatusInput,
} from '../services/promotion-service';

export const Mutation = {
  async createPromotion(_: unknown, args: { input: CreatePromotionInput }, ctx: PromotionsContext) {
    const outcome = await createPromotion(ctx, args.input);
    return outcome.ok ? { promotion: outcome.value, userErrors: [] } : { promotion: null, userErrors: outcome.userErrors };
  },
  async setPromotionStatus(_: unknown, args: { input: SetPromotionStatusInput }, ctx: PromotionsContext) {
    const outcome = await setPromotionStatus(ctx, args.input);
    return outcome.ok ? { promotion: outcome.value, userErrors: [] } : { promotion: null, userErrors: outcome.userErrors };
  },
};
