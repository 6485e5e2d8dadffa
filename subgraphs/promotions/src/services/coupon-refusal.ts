import type { PromotionRow } from '../db/schema';
import type { CartPricingResult, CouponState, NotAppliedReason, UnmatchedCoupon } from './engine';

/** Why a code may not go on a cart (`CouponCodeRefusal` in the schema). */
export type CouponRefusal = 'COUPON_UNKNOWN' | 'COUPON_EXPIRED' | 'COUPON_NOT_ACTIVE' | 'COUPON_NOT_IN_CHANNEL' | 'COUPON_USED_UP' | 'COUPON_NOT_YOURS';

export interface CouponVerdict {
  refusal: CouponRefusal | null;
  /** COUPON_NOT_ACTIVE of a promotion that starts later. */
  startsAt: Date | null;
}

const ACCEPTED: CouponVerdict = { refusal: null, startsAt: null };
const refused = (refusal: CouponRefusal, startsAt: Date | null = null): CouponVerdict => ({ refusal, startsAt });

const BY_UNMATCHED_REASON: Record<UnmatchedCoupon['reason'], CouponRefusal> = {
  COUPON_UNKNOWN: 'COUPON_UNKNOWN',
  COUPON_EXPIRED: 'COUPON_EXPIRED',
  COUPON_USED_UP: 'COUPON_USED_UP',
  COUPON_NOT_YOURS: 'COUPON_NOT_YOURS',
  NOT_IN_CHANNEL: 'COUPON_NOT_IN_CHANNEL',
};

/**
 * The reasons that hold whatever the cart holds: the promotion's schedule, channel, currency and
 * limits. Reasons the shopper can still change (a minimum subtotal, products to add, a segment,
 * a better promotion) are none, so such a code is kept and the cart explains what is missing.
 */
function refusalOfReason(reason: NotAppliedReason): CouponVerdict | null {
  switch (reason.code) {
    case 'INACTIVE':
      return refused(reason.status === 'ARCHIVED' ? 'COUPON_EXPIRED' : 'COUPON_NOT_ACTIVE');
    case 'NOT_STARTED':
      return refused('COUPON_NOT_ACTIVE', reason.startsAt);
    case 'ENDED':
    case 'COUPON_EXPIRED':
      return refused('COUPON_EXPIRED');
    case 'CURRENCY_MISMATCH':
    case 'NOT_IN_CHANNEL':
      return refused('COUPON_NOT_IN_CHANNEL');
    case 'COUPON_UNKNOWN':
      return refused('COUPON_UNKNOWN');
    case 'COUPON_NOT_YOURS':
      return refused('COUPON_NOT_YOURS');
    case 'COUPON_USED_UP':
    case 'USAGE_LIMIT_REACHED':
    case 'CUSTOMER_USAGE_LIMIT_REACHED':
    case 'BUDGET_EXHAUSTED':
      return refused('COUPON_USED_UP');
    default:
      return null;
  }
}

/**
 * A code valid in storage whose promotion pricing does not load (paused, archived, another
 * currency) is priced as unknown; the shopper is told what it really is instead.
 */
function refusalOfUnpricedPromotion(promotion: Pick<PromotionRow, 'status' | 'currencyCode'> | null, currencyCode: string): CouponVerdict {
  if (!promotion) return refused('COUPON_UNKNOWN');
  if (promotion.status === 'ARCHIVED') return refused('COUPON_EXPIRED');
  if (promotion.status !== 'ACTIVE') return refused('COUPON_NOT_ACTIVE');
  if (promotion.currencyCode !== currencyCode) return refused('COUPON_NOT_IN_CHANNEL');
  return refused('COUPON_UNKNOWN');
}

/**
 * Whether a code may go on a cart, read off the engine's pricing of an empty cart carrying only
 * that code: a code pricing lists as unmatched is refused for that reason; a code that unlocks a
 * promotion is refused only when the promotion's explanation names a reason no change to the cart
 * can lift. So a code that is accepted is never explained on the cart with one of these reasons
 * (until time or other checkouts change the facts).
 */
export function couponVerdict(
  code: string,
  state: CouponState,
  pricing: Pick<CartPricingResult, 'unmatchedCoupons' | 'explanations'>,
  promotion: Pick<PromotionRow, 'status' | 'currencyCode'> | null,
  currencyCode: string,
): CouponVerdict {
  const unmatched = pricing.unmatchedCoupons.find((coupon) => coupon.code === code);
  if (state.status === 'VALID' && unmatched?.reason === 'COUPON_UNKNOWN') return refusalOfUnpricedPromotion(promotion, currencyCode);
  if (unmatched) return refused(BY_UNMATCHED_REASON[unmatched.reason]);
  if (state.status !== 'VALID') return ACCEPTED;
  const explanation = pricing.explanations.find((candidate) => candidate.promotionId === state.promotionId);
  if (!explanation || explanation.outcome === 'APPLIED') return ACCEPTED;
  for (const reason of explanation.reasons) {
    const verdict = refusalOfReason(reason);
    if (verdict) return verdict;
  }
  return ACCEPTED;
}
