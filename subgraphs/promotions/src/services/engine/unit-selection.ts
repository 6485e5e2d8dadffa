import { compareIds } from './money';

/**
 * Units of one line that are worth the same. What is left of a line after earlier discounts rarely
 * divides evenly by its quantity, so a line is two buckets at most: `remaining mod quantity` units
 * worth one minor unit more than the rest. Working on buckets instead of single units keeps
 * "cheapest first" linear in lines, whatever the quantities.
 */
export interface UnitBucket {
  lineIndex: number;
  lineId: string;
  valueMinor: number;
  count: number;
}

export function unitBuckets(lineIndex: number, lineId: string, remainingMinor: number, quantity: number): UnitBucket[] {
  if (quantity <= 0) return [];
  const base = Math.floor(remainingMinor / quantity);
  const dearer = remainingMinor - base * quantity;
  const buckets: UnitBucket[] = [];
  if (quantity - dearer > 0) buckets.push({ lineIndex, lineId, valueMinor: base, count: quantity - dearer });
  if (dearer > 0) buckets.push({ lineIndex, lineId, valueMinor: base + 1, count: dearer });
  return buckets;
}

export type UnitOrder = 'CHEAPEST_FIRST' | 'DEAREST_FIRST';

/** Sorts a pool so taking from the front follows `order`; equal values go in line id order. */
export function sortPool(pool: UnitBucket[], order: UnitOrder): UnitBucket[] {
  return pool.sort((a, b) => {
    if (a.valueMinor !== b.valueMinor) return order === 'CHEAPEST_FIRST' ? a.valueMinor - b.valueMinor : b.valueMinor - a.valueMinor;
    return compareIds(a.lineId, b.lineId) || a.lineIndex - b.lineIndex;
  });
}

/**
 * Takes `count` units from the front of a sorted pool, decrementing it, and returns the value
 * taken from each line (indexed like the cart's lines).
 */
export function takeUnits(sortedPool: UnitBucket[], count: number, lineCount: number): { valueByLine: number[]; unitsByLine: number[]; taken: number } {
  const valueByLine = new Array<number>(lineCount).fill(0);
  const unitsByLine = new Array<number>(lineCount).fill(0);
  let left = count;
  for (const bucket of sortedPool) {
    if (left === 0) break;
    const take = Math.min(bucket.count, left);
    if (take === 0) continue;
    bucket.count -= take;
    left -= take;
    valueByLine[bucket.lineIndex]! += bucket.valueMinor * take;
    unitsByLine[bucket.lineIndex]! += take;
  }
  return { valueByLine, unitsByLine, taken: count - left };
}
