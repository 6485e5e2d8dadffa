import type { PromotionsDb } from '../db/database';
import { countCouponUses, lockLimitedCouponCodes } from '../db/coupon-queries';
import { normalizeCouponCode } from './engine';
import type { RequestedUse, UseRefusal } from './usage-limits';

/**
 * The uses of `uses` whose coupon code would go past its own limit (a single-use code used twice),
 * judged under a lock on each limited code (taken after the promotion locks, in code order, by
 * every writer), so concurrent checkouts with one single-use code get it once.
 */
export async function couponRefusalsUnderLock(tx: PromotionsDb, uses: readonly RequestedUse[]): Promise<UseRefusal[]> {
  const codeOf = (use: RequestedUse) => (use.couponCode ? normalizeCouponCode(use.couponCode) : null);
  const codes = [...new Set(uses.flatMap((use) => codeOf(use) ?? []))].sort();
  if (codes.length === 0) return [];
  const limited = await lockLimitedCouponCodes(tx, codes);
  if (limited.length === 0) return [];
  const used = new Map((await countCouponUses(tx, limited.map((row) => row.code))).map((row) => [row.code, row.uses]));
  const asked = new Map<string, number>();
  for (const use of uses) {
    const code = codeOf(use);
    if (code) asked.set(code, (asked.get(code) ?? 0) + 1);
  }
  const over = new Set(limited.filter((row) => (used.get(row.code) ?? 0) + (asked.get(row.code) ?? 0) > (row.usageLimit ?? Infinity)).map((row) => row.code));
  return uses.flatMap((use) => {
    const code = codeOf(use);
    return code && over.has(code) ? [{ promotionId: use.promotionId, couponCode: use.couponCode, reason: 'COUPON_USED_UP' as const }] : [];
  });
}
