import { z } from 'zod';
import { fail, succeed, userError, userErrorsFromIssues, type Outcome } from '@omni/graphql';
import type { CartContext } from '../context';
import { setCartCouponCodes } from '../db/cart-queries';
import type { CartRow } from '../db/schema';
import { changeableCartAfterMerges, changeCart, UNCHANGED } from './cart-service';
import { normalizeCouponCode, planCouponApply, planCouponRemoval } from './coupon-codes';

/**
 * Coupon codes on the one cart, entered in any channel. A code is kept as entered (normalised) and
 * promotions explains on the cart whether it unlocks anything, so a code that starts tomorrow or
 * needs one more item is not refused today. The one code refused at once is another customer's
 * personal offer: it can never work on this cart.
 */
const couponCodeInput = z.object({
  cartId: z.string().min(1),
  // Length and alphabet are checked after normalising, so stray spaces do not count against it.
  code: z.string().max(200, 'must be at most 200 characters'),
  expectedVersion: z.int().min(1, 'must be a version the cart has had (1 or more)').nullish(),
});

export type CouponCodeInput = z.input<typeof couponCodeInput>;

/** Adds a code; applying one the cart already carries is a retry and changes nothing. */
export const applyCouponCode = (ctx: CartContext, rawInput: CouponCodeInput) => changeCouponCodes(ctx, rawInput, planCouponApply, refuseOthersOffer);

/**
 * Asked before the cart is locked (a network call never runs under the lock), and only of a cart
 * the caller may change, so nobody learns about codes through carts they cannot touch.
 */
async function refuseOthersOffer(ctx: CartContext, cartId: string, code: string): Promise<Outcome<null>> {
  const cart = await ctx.loaders.cartById.load(cartId);
  if (!cart || cart.couponCodes.includes(code) || !(await changeableCartAfterMerges(ctx, cart)).ok) return succeed(null);
  if (await ctx.couponEntry(code, cart.customerId)) return succeed(null);
  return fail(userError('COUPON_NOT_YOURS', 'This code is a personal offer for another customer', ['input', 'code']));
}

/** Removes a code; one the cart does not carry is NOT_FOUND. */
export const removeCouponCode = (ctx: CartContext, rawInput: CouponCodeInput) => changeCouponCodes(ctx, rawInput, planCouponRemoval);

/** One path for both: the same lock, access rules and version check as line changes. */
async function changeCouponCodes(
  ctx: CartContext,
  rawInput: CouponCodeInput,
  plan: (current: readonly string[], code: string) => Outcome<string[] | null>,
  precheck?: (ctx: CartContext, cartId: string, code: string) => Promise<Outcome<null>>,
): Promise<Outcome<CartRow>> {
  const parsed = couponCodeInput.safeParse(rawInput);
  if (!parsed.success) return fail(...userErrorsFromIssues(parsed.error.issues));
  const input = parsed.data;
  const code = normalizeCouponCode(input.code);
  if (!code.ok) return code;
  const allowed = precheck ? await precheck(ctx, input.cartId, code.value) : succeed(null);
  if (!allowed.ok) return allowed;
  return changeCart(ctx, input.cartId, input.expectedVersion, async (tx, cart) => {
    const planned = plan(cart.couponCodes, code.value);
    if (!planned.ok) return planned.userErrors;
    if (planned.value === null) return UNCHANGED;
    await setCartCouponCodes(tx, cart.id, planned.value);
    return [];
  });
}
