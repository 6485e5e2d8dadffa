import type { PromotionsContext } from '../context';
import {
  createPromotion,
  setPromotionStatus,
  type CreatePromotionInput,
  type SetPromotionStatusInput,
} from '../services/promotion-service';
import { updatePromotion, type UpdatePromotionInput } from '../services/promotion-rules-service';
import { createCouponCodes, type CreateCouponCodesInput } from '../services/coupon-code-service';
import {
  confirmPromotionUsage,
  holdPromotionUsage,
  releasePromotionUsage,
  type ConfirmPromotionUsageInput,
  type HoldPromotionUsageInput,
  type ReleasePromotionUsageInput,
} from '../services/usage-hold-service';
import type { DomainEventWire } from '@omni/events';
import { receivePromotionEvents } from '../services/promotion-event-service';

export const Mutation = {
  async createPromotion(_: unknown, args: { input: CreatePromotionInput }, ctx: PromotionsContext) {
    const outcome = await createPromotion(ctx, args.input);
    return outcome.ok ? { promotion: outcome.value, userErrors: [] } : { promotion: null, userErrors: outcome.userErrors };
  },
  async updatePromotion(_: unknown, args: { input: UpdatePromotionInput }, ctx: PromotionsContext) {
    const outcome = await updatePromotion(ctx, args.input);
    return outcome.ok ? { promotion: outcome.value, userErrors: [] } : { promotion: null, userErrors: outcome.userErrors };
  },
  async createCouponCodes(_: unknown, args: { input: CreateCouponCodesInput }, ctx: PromotionsContext) {
    const outcome = await createCouponCodes(ctx, args.input);
    return outcome.ok ? { couponCodes: outcome.value, userErrors: [] } : { couponCodes: [], userErrors: outcome.userErrors };
  },
  async setPromotionStatus(_: unknown, args: { input: SetPromotionStatusInput }, ctx: PromotionsContext) {
    const outcome = await setPromotionStatus(ctx, args.input);
    return outcome.ok ? { promotion: outcome.value, userErrors: [] } : { promotion: null, userErrors: outcome.userErrors };
  },
  holdPromotionUsage: (_: unknown, args: { input: HoldPromotionUsageInput }, ctx: PromotionsContext) => holdPromotionUsage(ctx, args.input),
  confirmPromotionUsage: (_: unknown, args: { input: ConfirmPromotionUsageInput }, ctx: PromotionsContext) => confirmPromotionUsage(ctx, args.input),
  releasePromotionUsage: (_: unknown, args: { input: ReleasePromotionUsageInput }, ctx: PromotionsContext) => releasePromotionUsage(ctx, args.input),
  async receivePromotionEvents(_: unknown, args: { events: DomainEventWire[] }, ctx: PromotionsContext) {
    return { accepted: await receivePromotionEvents(ctx, args.events) };
  },
};
