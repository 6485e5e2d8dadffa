/** Tiers by points earned over a lifetime: spending points never demotes a customer. */
export const LOYALTY_TIERS = [
  { tier: 'BASIC', from: 0 },
  { tier: 'SILVER', from: 1_000 },
  { tier: 'GOLD', from: 5_000 },
  { tier: 'PLATINUM', from: 20_000 },
] as const;
export type LoyaltyTier = (typeof LOYALTY_TIERS)[number]['tier'];

export function tierFor(lifetimeEarned: number): { tier: LoyaltyTier; pointsToNextTier: number | null } {
  let index = 0;
  for (let i = 0; i < LOYALTY_TIERS.length; i += 1) if (lifetimeEarned >= LOYALTY_TIERS[i]!.from) index = i;
  const next = LOYALTY_TIERS[index + 1];
  return { tier: LOYALTY_TIERS[index]!.tier, pointsToNextTier: next ? next.from - lifetimeEarned : null };
}

/** Which earned lots a redemption takes points from: those expiring first, lots without expiry last. */
export function allocateRedemption(
  lots: readonly { id: string; remaining: number; expiresAt: Date | null }[],
  points: number,
): { id: string; take: number }[] | null {
  const ordered = [...lots].sort((a, b) => {
    const ax = a.expiresAt?.getTime() ?? Number.POSITIVE_INFINITY;
    const bx = b.expiresAt?.getTime() ?? Number.POSITIVE_INFINITY;
    return ax - bx || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  });
  const takes: { id: string; take: number }[] = [];
  let left = points;
  for (const lot of ordered) {
    if (left === 0) break;
    const take = Math.min(lot.remaining, left);
    if (take > 0) takes.push({ id: lot.id, take });
    left -= take;
  }
  return left === 0 ? takes : null;
}
