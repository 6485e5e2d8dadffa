import { and, asc, gt, inArray, sql } from 'drizzle-orm';
import { findFirstRowsPerParent, isAnyOf, preparedOnce } from '@omni/db';
import type { PromotionsDb } from './database';
import { couponCodes, promotionUses, type CouponCodeRow } from './schema';
import { countedUse } from './usage-queries';

export type NewCouponCodeRow = typeof couponCodes.$inferInsert;

/** Inserts the codes that are free; a code taken meanwhile (by any promotion) is left out of the answer. */
export function insertCouponCodes(db: PromotionsDb, rows: readonly NewCouponCodeRow[]): Promise<CouponCodeRow[]> {
  if (rows.length === 0) return Promise.resolve([]);
  return db.insert(couponCodes).values([...rows]).onConflictDoNothing({ target: couponCodes.code }).returning();
}

/** The stored codes among `codes` (already normalized). */
export function findCouponCodes(db: PromotionsDb, codes: readonly string[]): Promise<CouponCodeRow[]> {
  return preparedOnce(db, 'couponCodes', (on) => on.select().from(couponCodes).where(isAnyOf(couponCodes.code)).prepare('promotions_coupon_codes')).execute({ keys: codes });
}

/** Uses that count against each code's own limit (confirmed, or held and not lapsed); unused codes are missing. */
export function countCouponUses(db: PromotionsDb, codes: readonly string[]): Promise<{ code: string; uses: number }[]> {
  return preparedOnce(db, 'couponUses', (on) =>
    on
      .select({ code: sql<string>`${promotionUses.couponCode}`, uses: sql<number>`count(*)`.mapWith(Number) })
      .from(promotionUses)
      .where(and(isAnyOf(promotionUses.couponCode), countedUse))
      .groupBy(promotionUses.couponCode)
      .prepare('promotions_coupon_uses'),
  ).execute({ keys: codes });
}

/** A keyset page of codes (creation order) for each of many promotions, in one statement; up to `limit + 1` per promotion. */
export function findCouponCodePagesByPromotionIds(db: PromotionsDb, promotionIds: readonly string[], page: { limit: number; after: string | null }): Promise<CouponCodeRow[]> {
  const where = and(inArray(couponCodes.promotionId, [...promotionIds]), page.after ? gt(couponCodes.id, page.after) : undefined);
  return findFirstRowsPerParent(db, { table: couponCodes, parent: couponCodes.promotionId, where, orderBy: [asc(couponCodes.id)], limit: page.limit + 1 });
}

/**
 * The codes among `codes` that have a limit of their own, locked in code order: holds that use
 * the same code queue here, so the uses counted after the lock cannot change until commit.
 */
export function lockLimitedCouponCodes(tx: PromotionsDb, codes: readonly string[]): Promise<{ code: string; usageLimit: number | null }[]> {
  return tx
    .select({ code: couponCodes.code, usageLimit: couponCodes.usageLimit })
    .from(couponCodes)
    .where(and(inArray(couponCodes.code, [...codes]), sql`${couponCodes.usageLimit} is not null`))
    .orderBy(asc(couponCodes.code))
    .for('update');
}
