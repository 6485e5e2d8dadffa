import type { PromotionsContext } from '../context';
import type { LivePromotionRow } from '../db/promotion-queries';
import type { PromotionRow } from '../db/schema';
import type { PromotionUsage } from './engine';
import { hasUsageLimits } from './usage-limits';

/** What a promotion has given in confirmed uses: `Promotion.timesUsed` and `Promotion.budgetUsed`. */
export async function confirmedUsage(ctx: PromotionsContext, promotion: PromotionRow): Promise<{ uses: number; discountMinor: number }> {
  const row = await ctx.loaders.usageByPromotionId.load(promotion.id);
  return { uses: row?.confirmedUses ?? 0, discountMinor: row?.confirmedMinor ?? 0 };
}

/**
 * What counts against each limited live promotion for one cart, in the shape the engine reads:
 * confirmed and pending uses in total and the budget given (read with the promotions, no statement
 * of their own) and the customer's uses (one statement for every cart of the request, only when
 * a customer is known and some live promotion limits uses per customer). A guest counts 0 per
 * customer, as the usage hold does. Pending holds count, so a cart stops showing a promotion the
 * moment its last use is held.
 */
export async function usageOfLivePromotions(
  ctx: PromotionsContext,
  promotions: readonly LivePromotionRow[],
  customerId: string | null,
): Promise<PromotionUsage[]> {
  const limited = promotions.filter(hasUsageLimits);
  const needsCustomer = customerId !== null && limited.some((promotion) => promotion.usageLimitPerCustomer !== null);
  const customerRows = needsCustomer ? await ctx.loaders.customerUsesByCustomerId.load(customerId) : [];
  const customerUses = new Map(customerRows.map((row) => [row.promotionId, row.uses]));
  return limited.map((promotion) => ({
    promotionId: promotion.id,
    totalUses: promotion.heldUses,
    customerUses: customerUses.get(promotion.id) ?? 0,
    budgetSpentMinor: promotion.heldMinor,
  }));
}
