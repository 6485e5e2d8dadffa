/**
 * Usage limits of promotions: whether a set of uses still fits, and whether a promotion is spent.
 * Pure: counts come from storage, read under the promotion row locks when the answer must hold
 * (a usage hold), or read plainly when it only decides what a cart shows.
 *
 * Rules:
 * - a promotion may be used `usageLimit` times in total and `usageLimitPerCustomer` times by one
 *   customer; guests (no customer id) are not limited per customer;
 * - the discount its uses give may add up to `budgetMinor`, no more;
 * - uses that count are confirmed ones and holds still pending (not lapsed, not released);
 * - the uses of one hold are judged together: two uses of one promotion in one hold count twice.
 */

export interface PromotionLimits {
  id: string;
  usageLimit: number | null;
  usageLimitPerCustomer: number | null;
  budgetMinor: number | null;
}

/** What already counts against a promotion's limits. */
export interface UsageCount {
  totalUses: number;
  /** Uses by the customer asking; 0 for a guest. */
  customerUses: number;
  budgetUsedMinor: number;
}

export const NO_USAGE: UsageCount = { totalUses: 0, customerUses: 0, budgetUsedMinor: 0 };

export interface RequestedUse {
  promotionId: string;
  couponCode: string | null;
  discountMinor: number;
}

/**
 * COUPON_USED_UP belongs to the contract for single-use coupon codes; nothing produces it until
 * codes are stored with their own limits.
 */
export const USE_REFUSAL_REASONS = ['USAGE_LIMIT_REACHED', 'CUSTOMER_USAGE_LIMIT_REACHED', 'BUDGET_EXHAUSTED', 'COUPON_USED_UP'] as const;
export type UseRefusalReason = (typeof USE_REFUSAL_REASONS)[number];

export interface UseRefusal {
  promotionId: string;
  couponCode: string | null;
  reason: UseRefusalReason;
}

export function hasUsageLimits(promotion: PromotionLimits): boolean {
  return promotion.usageLimit !== null || promotion.usageLimitPerCustomer !== null || promotion.budgetMinor !== null;
}

/**
 * Why the given uses of one promotion would break its limits, or null when they fit. The total
 * limit is reported before the customer's and the budget last: the first one a shopper can do
 * nothing about comes first.
 */
export function refusalReason(
  limits: PromotionLimits,
  count: UsageCount,
  requested: { uses: number; discountMinor: number },
  customerKnown: boolean,
): UseRefusalReason | null {
  if (limits.usageLimit !== null && count.totalUses + requested.uses > limits.usageLimit) return 'USAGE_LIMIT_REACHED';
  if (customerKnown && limits.usageLimitPerCustomer !== null && count.customerUses + requested.uses > limits.usageLimitPerCustomer) {
    return 'CUSTOMER_USAGE_LIMIT_REACHED';
  }
  if (limits.budgetMinor !== null && count.budgetUsedMinor + requested.discountMinor > limits.budgetMinor) return 'BUDGET_EXHAUSTED';
  return null;
}

/**
 * Every use that cannot be granted, in the order asked; empty when all fit. All or nothing: a
 * caller holds the uses only when this is empty. Promotions without limits never refuse.
 */
export function refuseUses(
  uses: readonly RequestedUse[],
  limitsById: ReadonlyMap<string, PromotionLimits>,
  countsById: ReadonlyMap<string, UsageCount>,
  customerKnown: boolean,
): UseRefusal[] {
  const requested = new Map<string, { uses: number; discountMinor: number }>();
  for (const use of uses) {
    const sum = requested.get(use.promotionId) ?? { uses: 0, discountMinor: 0 };
    requested.set(use.promotionId, { uses: sum.uses + 1, discountMinor: sum.discountMinor + use.discountMinor });
  }
  const reasons = new Map<string, UseRefusalReason | null>();
  for (const [promotionId, asked] of requested) {
    const limits = limitsById.get(promotionId);
    reasons.set(promotionId, limits ? refusalReason(limits, countsById.get(promotionId) ?? NO_USAGE, asked, customerKnown) : null);
  }
  return uses.flatMap((use) => {
    const reason = reasons.get(use.promotionId);
    return reason ? [{ promotionId: use.promotionId, couponCode: use.couponCode, reason }] : [];
  });
}

/**
 * A promotion that cannot be used once more: its total uses or its budget are spent, or (when the
 * customer is known) this customer's uses. Pricing leaves such promotions out, so a cart does not
 * show a discount its checkout would be refused.
 */
export function isSpent(limits: PromotionLimits, count: UsageCount, customerKnown: boolean): boolean {
  if (limits.usageLimit !== null && count.totalUses >= limits.usageLimit) return true;
  if (limits.budgetMinor !== null && count.budgetUsedMinor >= limits.budgetMinor) return true;
  return customerKnown && limits.usageLimitPerCustomer !== null && count.customerUses >= limits.usageLimitPerCustomer;
}
