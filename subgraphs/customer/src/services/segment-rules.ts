/**
 * Rule-based segments, computed on read from the profile's facts, so they are never stale and
 * need no job. Promotions target them (J8: a personal offer for someone who keeps asking about a
 * product).
 */
export const SEGMENT_KINDS = ['FIRST_TIME_BUYER', 'REPEAT_BUYER', 'HIGH_SPENDER', 'LOYALTY_GOLD', 'ENGAGED_WITH_PRODUCT'] as const;
export type SegmentKind = (typeof SEGMENT_KINDS)[number];

/** Lifetime order spend that makes a high spender, per currency, in minor units. */
export const HIGH_SPEND_THRESHOLDS: Readonly<Record<string, number>> = { EUR: 50_000, USD: 50_000, GBP: 40_000, RUB: 5_000_000 };
/** Touchpoints about one product (views, questions in chats and calls) within the window. */
export const PRODUCT_ENGAGEMENT = { touchpoints: 3, windowDays: 30 } as const;

export interface SegmentFacts {
  orders: number;
  spendByCurrency: Readonly<Record<string, number>>;
  loyaltyTier: string;
  /** Products with at least PRODUCT_ENGAGEMENT.touchpoints touchpoints within the window. */
  engagedProductIds: readonly string[];
}

export interface Segment {
  kind: SegmentKind;
  productId: string | null;
}

export function computeSegments(facts: SegmentFacts): Segment[] {
  const segments: Segment[] = [];
  if (facts.orders === 1) segments.push({ kind: 'FIRST_TIME_BUYER', productId: null });
  if (facts.orders >= 2) segments.push({ kind: 'REPEAT_BUYER', productId: null });
  const highSpender = Object.entries(facts.spendByCurrency).some(([currency, spent]) => {
    const threshold = HIGH_SPEND_THRESHOLDS[currency];
    return threshold !== undefined && spent >= threshold;
  });
  if (highSpender) segments.push({ kind: 'HIGH_SPENDER', productId: null });
  if (facts.loyaltyTier === 'GOLD' || facts.loyaltyTier === 'PLATINUM') segments.push({ kind: 'LOYALTY_GOLD', productId: null });
  for (const productId of [...facts.engagedProductIds].sort()) segments.push({ kind: 'ENGAGED_WITH_PRODUCT', productId });
  return segments;
}
