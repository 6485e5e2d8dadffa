import { hasScope } from '@omni/auth';
import { z } from 'zod';
import { badUserInput, forbidden, requireInternalCall, unauthenticated } from '@omni/graphql';
import type { PromotionsContext } from '../context';
import type { PersonalOfferRow } from '../db/schema';
import { normalizeCouponCode } from './engine';
import { mayUseOffer } from './personal-offer-pricing';
import { offerStatus, type OfferStatus } from './personal-offer-rules';

/**
 * Who may read a customer's offers: the customer themself (also with a token from before a merge,
 * naming a record merged into them), staff who may read customers, admins. Anyone else is refused
 * as `Customer.orders` refuses them: the codes are worth money.
 */
async function assertMayReadOffers(ctx: PromotionsContext, customerId: string): Promise<void> {
  const { caller } = ctx;
  switch (caller.kind) {
    case 'anonymous':
      throw unauthenticated();
    case 'customer': {
      if (!caller.customerId) break;
      if (caller.customerId === customerId) return;
      if ((await ctx.loaders.survivorByCustomerId.load(caller.customerId)) === customerId) return;
      break;
    }
    case 'staff':
    case 'admin':
      if (hasScope(caller, 'customers:read')) return;
      break;
    default:
      break;
  }
  throw forbidden("You may not read this customer's offers");
}

/** A customer's personal offers, newest first, one statement for every customer of the request. */
export async function listOffersOfCustomer(ctx: PromotionsContext, customerId: string): Promise<PersonalOfferRow[]> {
  await assertMayReadOffers(ctx, customerId);
  return ctx.loaders.offersByCustomerId.load(customerId);
}

/** USED once its single use is held or confirmed (as pricing counts it), EXPIRED after its date, else AVAILABLE. */
export async function statusOfOffer(ctx: PromotionsContext, offer: PersonalOfferRow): Promise<OfferStatus> {
  return offerStatus(offer, await ctx.loaders.couponUsesByCode.load(offer.code), ctx.now);
}

const mayEnterInput = z.object({ code: z.string().max(200, 'must be at most 200 characters'), customerId: z.string().min(1).max(100).nullish() });

/**
 * For the cart's `applyCouponCode`: a personal offer's code is refused at once on anyone else's
 * cart, instead of sitting there explained as COUPON_NOT_YOURS. Any other code may be entered.
 */
export async function mayEnterCouponCode(ctx: PromotionsContext, rawInput: { code: string; customerId?: string | null }): Promise<boolean> {
  requireInternalCall(ctx.caller);
  const parsed = mayEnterInput.safeParse(rawInput);
  if (!parsed.success) throw badUserInput(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; '));
  const code = normalizeCouponCode(parsed.data.code);
  if (code === '') return true;
  const promotion = await ctx.loaders.personalPromotionByCode.load(code);
  return promotion === null || mayUseOffer(ctx, promotion, parsed.data.customerId ?? null);
}
