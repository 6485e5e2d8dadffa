import { fail, succeed, userError, logger, type Outcome } from '@omni/graphql';
import type { CartContext } from '../context';
import type { CartRow } from '../db/schema';
import type { PriceQuote } from './pricing';
import { PromotionUsageUnavailableError, usageHoldKey, type PromotionUseRefusal, type PromotionUseRefusalReason } from './promotion-usage';

const REFUSAL_TEXT: Record<PromotionUseRefusalReason, string> = {
  USAGE_LIMIT_REACHED: 'has been used as often as it may be',
  CUSTOMER_USAGE_LIMIT_REACHED: 'has been used by this customer as often as it may be',
  BUDGET_EXHAUSTED: 'has used up its budget',
  COUPON_USED_UP: 'has a code that was already used',
};

function refusalError(refusal: PromotionUseRefusal) {
  const code = refusal.couponCode ? ` (code ${refusal.couponCode})` : '';
  return userError(
    'PROMOTION_UNAVAILABLE',
    `Promotion ${refusal.promotionId}${code} ${REFUSAL_TEXT[refusal.reason]} (${refusal.reason}); nothing was reserved or charged. Review the cart's discounts and check out again.`,
    ['input', 'cartId'],
  );
}

/**
 * Step 3 of checkout, hold promotion usage: every promotion the quote applied is held in the
 * promotions subgraph while the stock is reserved and before anything is charged (a refusal
 * releases that reservation before checkout answers), so usage limits, budgets and
 * single-use codes are never exceeded by concurrent checkouts. The hold key is the cart and the
 * checkout's idempotency key, so an attempt retried with its key asks for the same hold.
 * Answers the hold id, or null when nothing was discounted (then nothing is asked).
 */
export async function holdPromotionUsage(ctx: CartContext, input: { cartId: string; idempotencyKey: string }, cart: CartRow, quote: PriceQuote): Promise<Outcome<string | null>> {
  if (quote.discounts.length === 0) return succeed(null);
  let hold;
  try {
    hold = await ctx.promotionUsage.hold({
      holdKey: usageHoldKey(cart.id, input.idempotencyKey),
      customerId: cart.customerId,
      uses: quote.discounts.map((discount) => ({ promotionId: discount.promotionId, couponCode: discount.couponCode, discountMinor: discount.amountMinor })),
    });
  } catch (error) {
    if (!(error instanceof PromotionUsageUnavailableError)) throw error;
    logger.error(`checkout of ${cart.id}: ${error.message}`);
    return fail(userError('PRICING_UNAVAILABLE', 'The discounts could not be confirmed right now; nothing was reserved or charged. Try again shortly.', ['input', 'cartId']));
  }
  if (hold.refused.length > 0 || !hold.holdId) {
    return fail(...(hold.refused.length > 0 ? hold.refused.map(refusalError) : [userError('PROMOTION_UNAVAILABLE', 'The discounts could not be held; nothing was reserved or charged.', ['input', 'cartId'])]));
  }
  return succeed(hold.holdId);
}

/**
 * Undoes step 3. Best effort: a hold nobody releases lapses in the promotions subgraph by itself,
 * so a failure to release must not turn the checkout's own answer into an error.
 */
export async function releasePromotionUsage(ctx: CartContext, holdId: string | null): Promise<void> {
  if (!holdId) return;
  try {
    await ctx.promotionUsage.release(holdId);
  } catch (error) {
    logger.error(`promotion usage hold ${holdId} could not be released (it lapses by itself): ${error instanceof Error ? error.message : String(error)}`);
  }
}
