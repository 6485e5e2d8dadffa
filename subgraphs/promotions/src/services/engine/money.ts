/**
 * Integer money arithmetic. Products of two amounts (amount × percent, amount × weight) go through
 * BigInt because they can pass 2^53 even when both factors are safe integers.
 */

/** `percent` % of an amount, rounded half up to a whole minor unit. */
export function percentOfMinor(amountMinor: number, percent: number): number {
  const product = amountMinor * percent;
  // Integer arithmetic on numbers is exact below 2^53; only larger products need BigInt.
  if (Number.isSafeInteger(product + 50)) return Math.floor((product + 50) / 100);
  return Number((BigInt(amountMinor) * BigInt(percent) + 50n) / 100n);
}

/** amount × count, capped at `capMinor`, without losing precision on the way. */
export function timesCapped(amountMinor: number, count: number, capMinor: number): number {
  const product = BigInt(amountMinor) * BigInt(count);
  return product > BigInt(capMinor) ? capMinor : Number(product);
}

export function sumMinor(amounts: Iterable<number>): number {
  let total = 0;
  for (const amount of amounts) total += amount;
  return total;
}

export interface Weighted {
  lineId: string;
  weightMinor: number;
}

/**
 * Splits `totalMinor` across lines in proportion to their weights (what is left of each line), by
 * largest remainder: each line first gets the floor of its exact share, then the minor units still
 * unassigned go one each to the lines with the largest fractional remainders, ties broken by line
 * id. The shares sum exactly to the total, and as long as the total is at most the sum of the
 * weights no line gets more than its weight (a line only gets a unit on top of its floor when its
 * exact share was above that floor). The result is in the order of `weights`.
 */
export function allocateByLargestRemainder(totalMinor: number, weights: readonly Weighted[]): number[] {
  const sumWeights = sumMinor(weights.map((w) => w.weightMinor));
  if (totalMinor <= 0 || sumWeights === 0) return weights.map(() => 0);
  // Every product total × weight is at most total × sumWeights; below 2^53 numbers stay exact.
  const exactInNumbers = Number.isSafeInteger(totalMinor * sumWeights);
  const shares: number[] = [];
  const remainders: { index: number; remainder: bigint | number; lineId: string }[] = [];
  let assigned = 0;
  weights.forEach((w, index) => {
    let floor: number;
    let remainder: bigint | number;
    if (exactInNumbers) {
      const exact = totalMinor * w.weightMinor;
      floor = Math.floor(exact / sumWeights);
      remainder = exact - floor * sumWeights;
    } else {
      const exact = BigInt(totalMinor) * BigInt(w.weightMinor);
      floor = Number(exact / BigInt(sumWeights));
      remainder = exact % BigInt(sumWeights);
    }
    shares.push(floor);
    assigned += floor;
    remainders.push({ index, remainder, lineId: w.lineId });
  });
  let left = totalMinor - assigned;
  if (left === 0) return shares;
  remainders.sort((a, b) => (a.remainder > b.remainder ? -1 : a.remainder < b.remainder ? 1 : compareIds(a.lineId, b.lineId)));
  for (let i = 0; left > 0; i++, left--) {
    const target = remainders[i % remainders.length]!;
    shares[target.index]! += 1;
  }
  return shares;
}

/** Code-unit order, independent of locale, so every process sorts ids the same way. */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
