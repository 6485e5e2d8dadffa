import { toMoney, type Money } from '@omni/graphql';

export interface PricedVariant {
  priceMinor: number;
  currencyCode: string;
  position: number;
}

/**
 * Cheapest and dearest variant of a product. A product is priced in one currency; should variants
 * ever disagree, the range stays in the currency of the first variant rather than mixing units.
 * One pass each, without copies: a listing asks this of every product on the page.
 */
export function priceRangeOf(variants: readonly PricedVariant[]): { min: Money; max: Money } | null {
  let first: PricedVariant | undefined;
  for (const variant of variants) if (!first || variant.position < first.position) first = variant;
  if (!first) return null;
  let min = first.priceMinor;
  let max = first.priceMinor;
  for (const variant of variants) {
    if (variant.currencyCode !== first.currencyCode) continue;
    if (variant.priceMinor < min) min = variant.priceMinor;
    if (variant.priceMinor > max) max = variant.priceMinor;
  }
  return { min: toMoney(min, first.currencyCode), max: toMoney(max, first.currencyCode) };
}
