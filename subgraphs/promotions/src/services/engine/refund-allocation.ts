/**
 * What returning some units of an order line gives back: their share of what the line was charged
 * (its total after allocated discounts), never its list price. A "2 for 1" pair charged 20.00 gives
 * back 10.00 per unit, not the 20.00 one unit lists at.
 *
 * The first n units of a line are worth floor(n × total / quantity), so the returns of a line, in
 * any number of steps, add up to exactly its total and no unit's share differs from another's by
 * more than one minor unit. BigInt because n × total can pass 2^53.
 */
export function refundForReturnedUnits(line: { totalMinor: number; quantity: number }, alreadyReturned: number, returning: number): number {
  const { totalMinor, quantity } = line;
  if (!Number.isSafeInteger(alreadyReturned) || !Number.isSafeInteger(returning) || alreadyReturned < 0 || returning < 0) {
    throw new RangeError('Returned quantities must be whole and non-negative');
  }
  if (alreadyReturned + returning > quantity) throw new RangeError('Cannot return more units than the line holds');
  const worthOfFirst = (units: number) => (BigInt(units) * BigInt(totalMinor)) / BigInt(quantity);
  return Number(worthOfFirst(alreadyReturned + returning) - worthOfFirst(alreadyReturned));
}
