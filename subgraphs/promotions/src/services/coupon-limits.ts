import { normalizeCouponCode } from './engine';
import type { RequestedUse, UseRefusal } from './usage-limits';

/**
 * The uses of `uses` whose coupon code would go past its own limit (a single-use code used twice),
 * given the limited codes among them and what already counts against each. The caller reads both
 * under a lock on each limited code (taken after the promotion locks, in code order, by every
 * writer), so concurrent checkouts with one single-use code get it once.
 */
export function couponRefusals(
  uses: readonly RequestedUse[],
  limited: readonly { code: string; usageLimit: number | null }[],
  used: ReadonlyMap<string, number>,
): UseRefusal[] {
  if (limited.length === 0) return [];
  const codeOf = (use: RequestedUse) => (use.couponCode ? normalizeCouponCode(use.couponCode) : null);
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
