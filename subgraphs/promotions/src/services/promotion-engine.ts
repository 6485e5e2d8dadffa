/**
 * Decides which promotions apply to a cart and what they take off. Pure: no I/O and no clock, so
 * every channel gets the same answer for the same cart and the rules are unit-testable.
 *
 * Rules:
 * - a promotion applies when it is ACTIVE, its channel scope is empty or contains the cart's
 *   channel, `startsAt <= now < endsAt` (open ends allowed), its currency is the cart's and the
 *   subtotal reaches its minimum;
 * - every discount is computed on the subtotal, not on what earlier discounts left, so the result
 *   does not depend on stacking order; percentages round half up to a whole minor unit;
 * - discounts are applied in promotion id order (creation order), each capped by what is left,
 *   so the discount total never exceeds the subtotal; a discount capped to zero is dropped;
 * - when the cart's lines are given, every discount is also allocated to them (`allocateDiscounts`),
 *   so an order line keeps what it was really sold for and a return refunds that.
 */
export interface PromotionRule {
  id: string;
  name: string;
  kind: 'PERCENTAGE_OFF_ORDER' | 'FIXED_AMOUNT_OFF_ORDER';
  percentOff: number | null;
  amountOffMinor: number | null;
  minimumSubtotalMinor: number | null;
  currencyCode: string;
  channels: readonly string[];
  startsAt: Date | null;
  endsAt: Date | null;
  status: string;
}

export interface CartToPrice {
  channel: string;
  subtotalMinor: number;
  currencyCode: string;
  /**
   * The lines behind the subtotal, when the caller has them (a checkout quote); their values must
   * add up to `subtotalMinor`. Without them discounts are computed the same way, just not allocated.
   */
  lines?: readonly LineToPrice[];
}

export interface LineToPrice {
  lineId: string;
  quantity: number;
  unitPriceMinor: number;
}

/** What one line gives up to the discounts, in total and per promotion (in the order applied). */
export interface LineAllocation {
  lineId: string;
  discountMinor: number;
  byPromotion: { promotionId: string; amountMinor: number }[];
}

export interface AppliedDiscount<TPromotion extends PromotionRule = PromotionRule> {
  promotion: TPromotion;
  title: string;
  amountMinor: number;
}

export interface CartPricing<TPromotion extends PromotionRule = PromotionRule> {
  currencyCode: string;
  discounts: AppliedDiscount<TPromotion>[];
  discountTotalMinor: number;
  totalMinor: number;
  /** One entry per given line, in the order given; empty when the cart came without lines. */
  lines: LineAllocation[];
}

export function isPromotionApplicable(promotion: PromotionRule, cart: CartToPrice, now: Date): boolean {
  if (promotion.status !== 'ACTIVE') return false;
  if (promotion.channels.length > 0 && !promotion.channels.includes(cart.channel)) return false;
  if (promotion.startsAt && now.getTime() < promotion.startsAt.getTime()) return false;
  if (promotion.endsAt && now.getTime() >= promotion.endsAt.getTime()) return false;
  if (promotion.currencyCode !== cart.currencyCode) return false;
  return cart.subtotalMinor >= (promotion.minimumSubtotalMinor ?? 0);
}

/** Percent of an amount in minor units, rounded half up; BigInt keeps it exact for any safe amount. */
export function percentOfMinor(amountMinor: number, percent: number): number {
  const scaled = BigInt(amountMinor) * BigInt(percent);
  return Number((scaled + 50n) / 100n);
}

function uncappedDiscount(promotion: PromotionRule, subtotalMinor: number): number {
  switch (promotion.kind) {
    case 'PERCENTAGE_OFF_ORDER':
      return percentOfMinor(subtotalMinor, promotion.percentOff ?? 0);
    case 'FIXED_AMOUNT_OFF_ORDER':
      return promotion.amountOffMinor ?? 0;
  }
}

export function priceCart<TPromotion extends PromotionRule>(
  promotions: readonly TPromotion[],
  cart: CartToPrice,
  now: Date,
): CartPricing<TPromotion> {
  const subtotal = Math.max(cart.subtotalMinor, 0);
  const applicable = promotions
    .filter((promotion) => isPromotionApplicable(promotion, cart, now))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

  const discounts: AppliedDiscount<TPromotion>[] = [];
  let remaining = subtotal;
  for (const promotion of applicable) {
    const amountMinor = Math.min(uncappedDiscount(promotion, subtotal), remaining);
    if (amountMinor <= 0) continue;
    discounts.push({ promotion, title: promotion.name, amountMinor });
    remaining -= amountMinor;
  }
  const lines = cart.lines ? allocateDiscounts(discounts, cart.lines) : [];
  return { currencyCode: cart.currencyCode, discounts, discountTotalMinor: subtotal - remaining, totalMinor: remaining, lines };
}

/**
 * Splits `amountMinor` over weights in proportion, in whole minor units, summing exactly to it
 * (largest remainder, Hamilton's method): every share is first rounded down, then the units left
 * over go one each to the shares with the largest fractional rest, ties broken by ascending
 * `key` (the line id), so the answer does not depend on the order the lines come in. A share
 * never exceeds its weight while `amountMinor` does not exceed the sum of the weights, and a
 * weight of zero gets nothing. BigInt keeps `amount × weight` exact.
 */
export function allocateProportionally(amountMinor: number, weights: readonly { key: string; weight: number }[]): number[] {
  const total = weights.reduce((sum, entry) => sum + entry.weight, 0);
  if (amountMinor === 0 || total === 0) return weights.map(() => 0);
  const amount = BigInt(amountMinor);
  const whole = BigInt(total);
  const shares = weights.map((entry) => Number((amount * BigInt(entry.weight)) / whole));
  const rests = weights.map((entry) => (amount * BigInt(entry.weight)) % whole);
  let leftOver = amountMinor - shares.reduce((sum, share) => sum + share, 0);
  const byRest = weights
    .map((entry, index) => ({ index, key: entry.key, rest: rests[index]! }))
    .sort((a, b) => (a.rest !== b.rest ? (a.rest > b.rest ? -1 : 1) : a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  for (const { index } of byRest) {
    if (leftOver === 0) break;
    shares[index]! += 1;
    leftOver -= 1;
  }
  return shares;
}

/**
 * Allocates every order-level discount to the lines, in the order the discounts were applied:
 * each is split in proportion to what is left of each line after the discounts before it (for the
 * first or only discount, in proportion to the line value `quantity × unitPrice`), by
 * `allocateProportionally`. So each discount's shares add up to exactly that discount, a line's
 * total discount is the sum of its shares, and no line ever gives more than its value, even when
 * the discounts together take the whole subtotal.
 */
export function allocateDiscounts(discounts: readonly AppliedDiscount[], lines: readonly LineToPrice[]): LineAllocation[] {
  const left = lines.map((line) => line.quantity * line.unitPriceMinor);
  const allocations: LineAllocation[] = lines.map((line) => ({ lineId: line.lineId, discountMinor: 0, byPromotion: [] }));
  for (const discount of discounts) {
    const shares = allocateProportionally(
      discount.amountMinor,
      lines.map((line, index) => ({ key: line.lineId, weight: left[index]! })),
    );
    shares.forEach((share, index) => {
      if (share === 0) return;
      left[index]! -= share;
      allocations[index]!.discountMinor += share;
      allocations[index]!.byPromotion.push({ promotionId: discount.promotion.id, amountMinor: share });
    });
  }
  return allocations;
}
