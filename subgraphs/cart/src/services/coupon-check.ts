import type { Channel } from '@omni/auth';
import type { PromotionsClient } from '../clients/promotions-client';

/** Why the promotions subgraph refuses a code on a cart; each is a `UserErrorCode` of the same name. */
export const COUPON_REFUSALS = ['COUPON_UNKNOWN', 'COUPON_EXPIRED', 'COUPON_NOT_ACTIVE', 'COUPON_NOT_IN_CHANNEL', 'COUPON_USED_UP', 'COUPON_NOT_YOURS'] as const;
export type CouponRefusal = (typeof COUPON_REFUSALS)[number];

/** The promotions subgraph's verdict on a code: a refusal, or null when the code may go on the cart. */
export interface CouponCheck {
  refusal: CouponRefusal | null;
  /** COUPON_NOT_ACTIVE of a promotion that starts later: when it starts. */
  startsAt: Date | null;
}

/** What the verdict depends on: the cart's channel, currency and customer (null for a guest or walk-in). */
export interface CouponCheckCart {
  channel: Channel;
  currencyCode: string;
  customerId: string | null;
}

/** Asks whether a (normalised) code can unlock anything on a cart like this one. */
export type CouponCheckPort = (code: string, cart: CouponCheckCart) => Promise<CouponCheck>;

const ACCEPTED: CouponCheck = { refusal: null, startsAt: null };

/** Without promotions every code may be entered; nothing prices it anyway. */
export const anyCouponCode: CouponCheckPort = async () => ACCEPTED;

/**
 * Asks the promotions subgraph's internal `couponCodeCheck`. When it cannot answer, the code is
 * kept: pricing explains a code that unlocks nothing (`unmatchedCouponCodes`) and checkout charges
 * without it, so refusing a shopper's good code during an outage would be the worse mistake.
 */
export function promotionsCouponCheck(promotions: Pick<PromotionsClient, 'couponCodeCheck'>): CouponCheckPort {
  return async (code, cart) => {
    try {
      return await promotions.couponCodeCheck(code, cart);
    } catch (error) {
      console.error(`[coupon codes] could not check ${code}: ${error instanceof Error ? error.message : String(error)}`);
      return ACCEPTED;
    }
  };
}
