import { z } from 'zod';
import { fail, userErrorsFromIssues, type Outcome } from '@omni/graphql';
import type { CartContext } from '../context';
import { setCartCouponCodes } from '../db/cart-queries';
import type { CartRow } from '../db/schema';
import { changeCart, UNCHANGED } from './cart-service';
import { normalizeCouponCode, planCouponApply, planCouponRemoval } from './coupon-codes';

/**
 * Coupon codes on the one cart, entered in any channel. The promotions subgraph is not asked
 * here: a code is kept as entered (normalised) and promotions explains on the cart whether it
 * unlocks anything, so a code that starts tomorrow or needs one more item is not refused today.
 */
const couponCodeInput = z.object({
  cartId: z.string().min(1),
  // Length and alphabet are checked after normalising, so stray spaces do not count against it.
  code: z.string().max(200, 'must be at most 200 characters'),
  expectedVersion: z.int().min(1, 'must be a version the cart has had (1 or more)').nullish(),
});

export type CouponCodeInput = z.input<typeof couponCodeInput>;

/** Adds a code; applying one the cart already carries is a retry and changes nothing. */
export const applyCouponCode = (ctx: CartContext, rawInput: CouponCodeInput) => changeCouponCodes(ctx, rawInput, planCouponApply);

/** Removes a code; one the cart does not carry is NOT_FOUND. */
export const removeCouponCode = (ctx: CartContext, rawInput: CouponCodeInput) => changeCouponCodes(ctx, rawInput, planCouponRemoval);

/** One path for both: the same lock, access rules and version check as line changes. */
async function changeCouponCodes(
  ctx: CartContext,
  rawInput: CouponCodeInput,
  plan: (current: readonly string[], code: string) => Outcome<string[] | null>,
): Promise<Outcome<CartRow>> {
  const parsed = couponCodeInput.safeParse(rawInput);
  if (!parsed.success) return fail(...userErrorsFromIssues(parsed.error.issues));
  const input = parsed.data;
  const code = normalizeCouponCode(input.code);
  if (!code.ok) return code;
  return changeCart(ctx, input.cartId, input.expectedVersion, async (tx, cart) => {
    const planned = plan(cart.couponCodes, code.value);
    if (!planned.ok) return planned.userErrors;
    if (planned.value === null) return UNCHANGED;
    await setCartCouponCodes(tx, cart.id, planned.value);
    return [];
  });
}
