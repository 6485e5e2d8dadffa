import { hasScope } from '@omni/auth';
import { forbidden, unauthenticated } from '@omni/graphql';
import type { PromotionsContext } from '../context';
import type { PersonalOfferRow } from '../db/schema';
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
