/**
 * How loyalty points (a tender, like a gift card: they pay part of the total, they do not lower
 * it) are spread over what an order charges, so a return gives back points and money in the
 * proportion they paid for the returned units. 1 point pays 1 minor unit of the order's currency.
 */

/**
 * Splits `totalMinor` over `weights` in proportion to them, by largest remainder: each part first
 * gets the floor of its exact share, then the minor units still unassigned go one each to the
 * parts with the largest fractional remainders, ties to the earlier part. This is the rounding the
 * promotions engine allocates discounts with (ties there go to the smaller line id; order lines
 * come in id order, so both break ties alike). The parts sum exactly to `totalMinor`, and while
 * `totalMinor` is at most the sum of the weights no part exceeds its weight. BigInt where
 * `totalMinor × weight` could pass 2^53.
 */
export function allocateByLargestRemainder(totalMinor: number, weights: readonly number[]): number[] {
  if (!Number.isSafeInteger(totalMinor) || totalMinor < 0) throw new RangeError('The amount to allocate must be a whole, non-negative number of minor units');
  if (weights.some((weight) => !Number.isSafeInteger(weight) || weight < 0)) throw new RangeError('Weights must be whole, non-negative minor units');
  const sumWeights = weights.reduce((sum, weight) => sum + weight, 0);
  if (totalMinor === 0) return weights.map(() => 0);
  if (sumWeights === 0) throw new RangeError('Cannot allocate an amount over nothing');
  const exactInNumbers = Number.isSafeInteger(totalMinor * sumWeights);
  const shares: number[] = [];
  const remainders: { index: number; remainder: bigint }[] = [];
  let assigned = 0;
  weights.forEach((weight, index) => {
    let floor: number;
    let remainder: bigint;
    if (exactInNumbers) {
      const exact = totalMinor * weight;
      floor = Math.floor(exact / sumWeights);
      remainder = BigInt(exact - floor * sumWeights);
    } else {
      const exact = BigInt(totalMinor) * BigInt(weight);
      floor = Number(exact / BigInt(sumWeights));
      remainder = exact % BigInt(sumWeights);
    }
    shares.push(floor);
    assigned += floor;
    remainders.push({ index, remainder });
  });
  remainders.sort((a, b) => (a.remainder > b.remainder ? -1 : a.remainder < b.remainder ? 1 : a.index - b.index));
  // Fewer units are left than there are parts with a remainder, so one pass suffices.
  for (let left = totalMinor - assigned, i = 0; left > 0; left--, i++) shares[remainders[i]!.index]! += 1;
  return shares;
}

/** Where an order's points went: each line's share (in line order) and the shipping fee's. */
export interface PointsAllocation {
  lines: number[];
  shipping: number;
}

/**
 * Spreads the points paid for an order over its lines in proportion to what each line charges
 * (after discounts) and over the shipping fee in proportion to it: the points pay the same fraction
 * of every amount in the total. Returns give back a line's share (see `splitRefund`); the shipping
 * fee's share is kept, as the fee is not refunded. `pointsMinor` must not exceed the total.
 */
export function allocatePoints(pointsMinor: number, charges: { linesPaidMinor: readonly number[]; shippingMinor: number }): PointsAllocation {
  const total = charges.linesPaidMinor.reduce((sum, paid) => sum + paid, charges.shippingMinor);
  if (pointsMinor > total) throw new RangeError(`${pointsMinor} points exceed the order total of ${total}`);
  const shares = allocateByLargestRemainder(pointsMinor, [...charges.linesPaidMinor, charges.shippingMinor]);
  return { lines: shares.slice(0, -1), shipping: shares.at(-1)! };
}

/** A line as a return sees its tender: what it charged, its points share and what went back so far. */
export interface LineTender {
  quantity: number;
  paidMinor: number;
  pointsPaid: number;
  returnedQuantity: number;
  refundedMinor: number;
  pointsRefunded: number;
}

/**
 * Splits the refund of returning `quantity` more units of a line (`refundMinor`, already the
 * units' share of what the line charged) into points and money. The points part is what the
 * line's points share owes after this return, `floor(pointsPaid × returnedAfter / quantity)`, less
 * the points already given back, kept between zero and the refund so neither part is ever
 * negative; the money part is the rest. Returning the last unit gives back exactly the points and
 * money left, whatever the earlier returns were.
 */
export function splitRefund(line: LineTender, quantity: number, refundMinor: number): { points: number; moneyMinor: number } {
  const returnedAfter = line.returnedQuantity + quantity;
  if (returnedAfter > line.quantity) throw new RangeError('Cannot return more units than the line holds');
  const owedAfter = Number((BigInt(line.pointsPaid) * BigInt(returnedAfter)) / BigInt(line.quantity));
  const points = Math.min(Math.max(owedAfter - line.pointsRefunded, 0), refundMinor);
  return { points, moneyMinor: refundMinor - points };
}
