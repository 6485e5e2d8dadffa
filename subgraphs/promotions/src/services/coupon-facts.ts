import type { PromotionsContext } from '../context';
import type { PromotionRow } from '../db/schema';
import { normalizeCouponCode, type CouponFact, type CouponState } from './engine';
import { mayUseOffer } from './personal-offer-pricing';

/**
 * What storage knows of the codes entered on a cart, as the engine's `CouponFact`s: UNKNOWN (no
 * such code), EXPIRED (the code's own expiry, or its promotion ended), USED_UP (the code's own
 * limit reached by confirmed and held uses), OTHER_CHANNEL (its promotion runs elsewhere), else
 * VALID; a personal offer's code on a cart of anyone but its owner is NOT_YOURS before anything
 * else, so a stranger learns nothing about it. Codes of every cart in a request are read in one
 * statement, with their uses (counted only for codes that have a limit).
 */
export async function couponFacts(
  ctx: PromotionsContext,
  enteredCodes: readonly string[],
  channel: string,
  liveById: ReadonlyMap<string, PromotionRow>,
  customerId: string | null,
): Promise<CouponFact[]> {
  const codes = [...new Set(enteredCodes.map(normalizeCouponCode).filter((code) => code !== ''))];
  if (codes.length === 0) return [];
  const rows = await ctx.loaders.couponByCode.loadMany(codes);
  return Promise.all(
    codes.map(async (code, i): Promise<CouponFact> => {
      const row = rows[i];
      if (row instanceof Error) throw row;
      if (!row) return { code, state: { status: 'UNKNOWN' } };
      const promotion = liveById.get(row.promotionId) ?? (await ctx.loaders.promotionById.load(row.promotionId));
      if (promotion && !(await mayUseOffer(ctx, promotion, customerId))) return { code, state: { status: 'NOT_YOURS', promotionId: row.promotionId } };
      return { code, state: await stateOf(ctx, row, promotion, channel) };
    }),
  );
}

async function stateOf(
  ctx: PromotionsContext,
  row: { code: string; promotionId: string; usageLimit: number | null; expiresAt: Date | null; uses: number },
  promotion: PromotionRow | null,
  channel: string,
): Promise<CouponState> {
  const promotionId = row.promotionId;
  const now = ctx.now.getTime();
  if ((row.expiresAt && row.expiresAt.getTime() <= now) || (promotion?.endsAt && promotion.endsAt.getTime() <= now)) return { status: 'EXPIRED', promotionId };
  if (row.usageLimit !== null && row.uses >= row.usageLimit) return { status: 'USED_UP', promotionId };
  if (promotion && promotion.channels.length > 0 && !promotion.channels.includes(channel)) return { status: 'OTHER_CHANNEL', promotionId };
  return { status: 'VALID', promotionId };
}
