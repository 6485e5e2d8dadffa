import type { PromotionsContext } from '../context';
import type { LivePromotionRow } from '../db/promotion-queries';
import type { PromotionRow } from '../db/schema';
import { normalizeCouponCode } from './engine';

/**
 * The promotions a cart is priced with: the live shared promotions of its currency, and the
 * personal offers whose codes the cart carries. Personal offers are as many as customers, so they
 * are read with the codes entered (`couponByCode`: one statement for every cart of a request, which
 * `couponFacts` reads too), never with the shared ones; a template is never a candidate.
 */
export async function candidatePromotions(ctx: PromotionsContext, currencyCode: string, enteredCodes: readonly string[]): Promise<LivePromotionRow[]> {
  const codes = [...new Set(enteredCodes.map(normalizeCouponCode).filter((code) => code !== ''))];
  const [shared, entered] = await Promise.all([ctx.loaders.livePromotionsByCurrency.load(currencyCode), codes.length > 0 ? ctx.loaders.couponByCode.loadMany(codes) : []]);
  const failed = entered.find((row) => row instanceof Error);
  if (failed) throw failed;
  const offers = new Map<string, LivePromotionRow>();
  for (const row of entered) {
    if (row && !(row instanceof Error) && row.personalPromotion) offers.set(row.personalPromotion.id, row.personalPromotion);
  }
  // Candidates are evaluated in priority then id order by the engine, so appending keeps it deterministic.
  return [...shared, ...offers.values()];
}

/**
 * Whether the cart's customer may use a personal offer: its owner, or a record merged into the
 * owner (a token from before the merge), or the survivor of the owner while the offer has not
 * followed the merge yet. Merged ids are looked up only when the direct check misses, all of a
 * request in one statement.
 */
export async function mayUseOffer(ctx: PromotionsContext, promotion: Pick<PromotionRow, 'ownerCustomerId'>, cartCustomerId: string | null): Promise<boolean> {
  const owner = promotion.ownerCustomerId;
  if (owner === null) return true;
  if (cartCustomerId === null) return false;
  if (cartCustomerId === owner) return true;
  const [cartSurvivor, ownerSurvivor] = await Promise.all([ctx.loaders.survivorByCustomerId.load(cartCustomerId), ctx.loaders.survivorByCustomerId.load(owner)]);
  return cartSurvivor === owner || ownerSurvivor === cartCustomerId || (cartSurvivor !== null && cartSurvivor === ownerSurvivor);
}
