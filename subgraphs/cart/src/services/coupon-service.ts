import { z } from 'zod';
import { fail, succeed, userErrorsFromIssues, type Outcome } from '@omni/graphql';
import type { CartContext } from '../context';
import { setCartCouponCodes } from '../db/cart-queries';
import type { CartRow } from '../db/schema';
import { changeableCartAfterMerges, changeCart, UNCHANGED } from './cart-service';
import { couponRefusalError, normalizeCouponCode, planCouponApply, planCouponRemoval } from './coupon-codes';

/**
 * Coupon codes on the one cart, entered in any channel. A code that cannot unlock anything on this
 * cart (unknown, expired, not started, not for its channel or currency, used up, someone else's
 * personal offer) is refused at once, as the promotions subgraph judges it; a code that only waits
 * for the cart (a minimum, a product to add) is kept, and pricing explains what is missing.
 */
const couponCodeInput = z.object({
  cartId: z.string().min(1),
  // Length and alphabet are checked after normalising, so stray spaces do not count against it.
  code: z.string().max(200, 'must be at most 200 characters'),
  expectedVersion: z.int().min(1, 'must be a version the cart has had (1 or more)').nullish(),
});

export type CouponCodeInput = z.input<typeof couponCodeInput>;

/** Adds a code; applying one the cart already carries is a retry and changes nothing. */
export const applyCouponCode = (ctx: CartContext, rawInput: CouponCodeInput) => changeCouponCodes(ctx, rawInput, planCouponApply, refuseInapplicableCode);

/**
 * Asked before the cart is locked (a network call never runs under the lock), and only of a cart
 * the caller may change, so nobody learns about codes through carts they cannot touch. A code the
 * cart already carries is not asked about again: applying it is a retry.
 */
async function refuseInapplicableCode(ctx: CartContext, cartId: string, code: string): Promise<Outcome<null>> {
  const cart = await ctx.loaders.cartById.load(cartId);
  if (!cart || cart.couponCodes.includes(code) || !(await changeableCartAfterMerges(ctx, cart)).ok) return succeed(null);
  const check = await ctx.couponCheck(code, { channel: cart.channel, currencyCode: cart.currencyCode, customerId: cart.customerId });
  return check.refusal === null ? succeed(null) : fail(couponRefusalError({ ...check, refusal: check.refusal }));
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
