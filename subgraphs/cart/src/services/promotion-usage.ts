import type { PromotionsClient } from '../clients/promotions-client';

/**
 * The seam where checkout counts promotion usage: limits in total, per customer, campaign budgets
 * and single-use codes are kept by the promotions subgraph, which holds a use before the order is
 * written, and counts it only when checkout confirms the hold with the order. A hold neither
 * confirmed nor released lapses there by itself (10 minutes), so a checkout that died frees it.
 */

/** One applied promotion as checkout is about to charge it. */
export interface PromotionUse {
  promotionId: string;
  /** The code that unlocked it, when it needed one. */
  couponCode: string | null;
  discountMinor: number;
}

export const PROMOTION_USE_REFUSAL_REASONS = ['USAGE_LIMIT_REACHED', 'CUSTOMER_USAGE_LIMIT_REACHED', 'BUDGET_EXHAUSTED', 'COUPON_USED_UP'] as const;
export type PromotionUseRefusalReason = (typeof PROMOTION_USE_REFUSAL_REASONS)[number];

export interface PromotionUseRefusal {
  promotionId: string;
  couponCode: string | null;
  reason: PromotionUseRefusalReason;
}

/** A hold of every use, or none: `holdId` is null exactly when something was refused. */
export interface PromotionUsageHold {
  holdId: string | null;
  refused: PromotionUseRefusal[];
}

export interface PromotionUsageRequest {
  /** The same key answers the same hold: a checkout retried with its idempotency key holds once. */
  holdKey: string;
  /** Null for guests; per-customer limits then do not apply. */
  customerId: string | null;
  uses: readonly PromotionUse[];
}

/**
 * `hold` throws `PromotionUsageUnavailableError` when it cannot get an answer (checkout then stops
 * before anything is reserved or charged). `confirm` and `release` are idempotent; `confirm`
 * answers false when promotions will not count the hold for the order (unknown, confirmed for
 * another order, or lapsed or released while the limits filled up).
 */
export interface PromotionUsagePort {
  hold(request: PromotionUsageRequest): Promise<PromotionUsageHold>;
  confirm(holdId: string, orderId: string): Promise<boolean>;
  release(holdId: string): Promise<boolean>;
}

/** Usage cannot be held now (promotions unreachable, or no usage counting configured). */
export class PromotionUsageUnavailableError extends Error {
  override name = 'PromotionUsageUnavailableError';
}

/** The hold key of one checkout: per cart, as idempotency keys are. */
export const usageHoldKey = (cartId: string, idempotencyKey: string) => `${cartId}:${idempotencyKey}`;

/** The promotions subgraph's internal usage operations. */
export function promotionsUsage(promotions: PromotionsClient): PromotionUsagePort {
  return {
    async hold(request) {
      try {
        return await promotions.holdPromotionUsage(request);
      } catch (error) {
        throw new PromotionUsageUnavailableError(`The promotions subgraph could not hold usage ${request.holdKey}: ${error instanceof Error ? error.message : String(error)}`);
      }
    },
    confirm: (holdId, orderId) => promotions.confirmPromotionUsage(holdId, orderId),
    release: (holdId) => promotions.releasePromotionUsage(holdId),
  };
}

/**
 * For a cart subgraph started without promotions: a checkout with discounts is refused rather than
 * charged without counting their use. Checkouts without discounts never ask.
 */
export const unavailableUsage: PromotionUsagePort = {
  hold: async () => {
    throw new PromotionUsageUnavailableError('No promotion usage counting is configured for checkout');
  },
  confirm: async () => false,
  release: async () => true,
};
