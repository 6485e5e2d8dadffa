import type { PromotionsContext } from '../context';
import type { CouponCodeRow } from '../db/schema';

/** A code names its promotion by id; the promotions of a batch of codes load in one statement. */
export const CouponCode = {
  promotion: (row: CouponCodeRow, _: unknown, ctx: PromotionsContext) => ctx.loaders.promotionById.load(row.promotionId),
};
