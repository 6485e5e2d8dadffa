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
 *   so the discount total never exceeds the subtotal; a discount capped to zero is dropped.
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
  return { currencyCode: cart.currencyCode, discounts, discountTotalMinor: subtotal - remaining, totalMinor: remaining };
}
