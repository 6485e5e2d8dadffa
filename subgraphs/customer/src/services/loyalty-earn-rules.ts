/**
 * How orders earn loyalty points and how returns take them back. Pure: the service applies these
 * under the account lock. A point is worth one minor unit of the order's currency when paid with
 * (0.01 EUR, one kopeck), so the default rate gives back 5 % of the money paid.
 */
export const DEFAULT_POINTS_PER_CURRENCY_UNIT = 5;

/**
 * Points an order earns: `pointsPerUnit` per whole currency unit paid in money (EUR, RUB: per
 * euro, per ruble; the unit follows the currency's exponent). The part paid with points earns
 * nothing, and a fraction of a unit earns nothing either.
 */
export function pointsEarnedForOrder(moneyPaidMinor: number, currencyExponent: number, pointsPerUnit: number): number {
  if (!Number.isSafeInteger(moneyPaidMinor) || moneyPaidMinor <= 0) return 0;
  const wholeUnits = Math.floor(moneyPaidMinor / 10 ** currencyExponent);
  return wholeUnits * pointsPerUnit;
}

export interface OrderEarnings {
  earnedPoints: number;
  moneyPaidMinor: number;
  /** Money refunded by returns applied before this one. */
  refundedMoneyMinor: number;
  /** Points of `earnedPoints` already accounted for by earlier returns (taken back or forgiven). */
  reversedPoints: number;
}

/**
 * Points a return takes back: the order's earned points in proportion to the money refunded so
 * far (rounded down), minus what earlier returns took. Computed on the running total rather than
 * per return, so partial returns add up to exactly what a single return of everything would
 * take, rounding never takes more than was earned, and a refund beyond the money paid takes
 * nothing more.
 */
export function pointsToReverse(order: OrderEarnings, refundMoneyMinor: number): { points: number; refundedMoneyMinor: number } {
  const refundedMoneyMinor = order.refundedMoneyMinor + Math.max(0, refundMoneyMinor);
  if (order.earnedPoints <= 0 || order.moneyPaidMinor <= 0) return { points: 0, refundedMoneyMinor };
  const refunded = BigInt(Math.min(refundedMoneyMinor, order.moneyPaidMinor));
  // BigInt: points times minor units can pass 2^53 for large orders.
  const reversedTotal = Number((BigInt(order.earnedPoints) * refunded) / BigInt(order.moneyPaidMinor));
  return { points: Math.max(0, reversedTotal - order.reversedPoints), refundedMoneyMinor };
}

/**
 * Splits what a return should take back into what the balance still holds and what was already
 * spent. The balance never goes negative: the spent part is forgiven and recorded, not owed.
 */
export function splitReversal(due: number, available: number): { reversed: number; unreversed: number } {
  const reversed = Math.max(0, Math.min(due, available));
  return { reversed, unreversed: due - reversed };
}

export interface Lot {
  id: string;
  remaining: number;
  expiresAt: Date | null;
  orderId: string | null;
}

/**
 * Which lots a reversal takes from: the returned order's own lots first (the points it earned),
 * then the others expiring first. Expired lots not yet written off count: taking them back is
 * better than forgiving. What the lots (and the balance) cannot cover is `unreversed`.
 */
export function allocateReversal(lots: readonly Lot[], due: number, orderId: string, balance: number): { takes: { id: string; take: number }[]; reversed: number; unreversed: number } {
  const byExpiry = (a: Lot, b: Lot) => (a.expiresAt?.getTime() ?? Number.POSITIVE_INFINITY) - (b.expiresAt?.getTime() ?? Number.POSITIVE_INFINITY) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  const ordered = [...lots.filter((lot) => lot.orderId === orderId).sort(byExpiry), ...lots.filter((lot) => lot.orderId !== orderId).sort(byExpiry)];
  const held = ordered.reduce((sum, lot) => sum + lot.remaining, 0);
  const { reversed, unreversed } = splitReversal(due, Math.min(balance, held));
  const takes: { id: string; take: number }[] = [];
  let left = reversed;
  for (const lot of ordered) {
    if (left === 0) break;
    const take = Math.min(lot.remaining, left);
    if (take > 0) takes.push({ id: lot.id, take });
    left -= take;
  }
  return { takes, reversed, unreversed };
}
