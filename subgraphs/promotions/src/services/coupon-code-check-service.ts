import { CHANNELS } from '@omni/auth';
import { badUserInput, isCurrencyCode, requireInternalCall } from '@omni/graphql';
import { z } from 'zod';
import type { PromotionsContext } from '../context';
import { couponFacts } from './coupon-facts';
import { couponVerdict, type CouponVerdict } from './coupon-refusal';
import { normalizeCouponCode, quoteCart } from './engine';
import { candidatePromotions } from './personal-offer-pricing';
import { toPromotionDefinition } from './promotion-definitions';
import { usageOfLivePromotions } from './promotion-usage-service';

const couponCodeCheckInput = z.object({
  code: z.string().max(200, 'must be at most 200 characters'),
  channel: z.enum(CHANNELS),
  currencyCode: z.string().refine(isCurrencyCode, 'must be an ISO 4217 currency code such as EUR'),
  customerId: z.string().min(1).max(100).nullish(),
});

export type CouponCodeCheckInput = z.input<typeof couponCodeCheckInput>;

/**
 * For the cart's `applyCouponCode`: whether the code can unlock anything on a cart of this
 * channel, currency and customer. The code is priced on an empty cart with exactly what
 * `evaluateCart` gives the engine for it (candidates, `couponFacts`, usage), so the answer and the
 * cart's explanation come from one rule; only the cart's lines and the customer's segments are left
 * out, since a refusal never depends on them.
 */
export async function checkCouponCode(ctx: PromotionsContext, rawInput: CouponCodeCheckInput): Promise<CouponVerdict & { code: string }> {
  requireInternalCall(ctx.caller);
  const parsed = couponCodeCheckInput.safeParse(rawInput);
  if (!parsed.success) throw badUserInput(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; '));
  const { channel, currencyCode } = parsed.data;
  const customerId = parsed.data.customerId ?? null;
  const code = normalizeCouponCode(parsed.data.code);
  if (code === '') return { code, refusal: 'COUPON_UNKNOWN', startsAt: null };

  const rows = await candidatePromotions(ctx, currencyCode, [code]);
  const liveById = new Map(rows.map((row) => [row.id, row]));
  const [coupons, usage] = await Promise.all([couponFacts(ctx, [code], channel, liveById, customerId), usageOfLivePromotions(ctx, rows, customerId)]);
  const state = coupons[0]?.state ?? { status: 'UNKNOWN' as const };
  const pricing = quoteCart({
    cart: { currencyCode, channel, locationId: null, customerId, customerSegments: [], lines: [], couponCodes: [code], shippingMinor: null },
    now: ctx.now,
    promotions: rows.map(toPromotionDefinition),
    usage: { promotions: usage, coupons },
  });
  const promotion = state.status === 'UNKNOWN' ? null : (liveById.get(state.promotionId) ?? (await ctx.loaders.promotionById.load(state.promotionId)));
  return { code, ...couponVerdict(code, state, pricing, promotion, currencyCode) };
}
