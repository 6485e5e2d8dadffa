import { toMoney, type Money } from '@omni/graphql';

export interface PricedVariant {
  priceMinor: number;
  currencyCode: string;
  position: number;
}

/**
 * Cheapest and dearest variant of a product. A product is priced in one currency; should variants
 * ever disagree, the range stays in the currency of the first variant rather than mixing units.
 */
export function priceRangeOf(variants: readonly PricedVariant[]): { min: Money; max: Money } | null {
  const [first] = [...variants].sort((a, b) => a.position - b.position);
  if (!first) return null;
  const prices = variants.filter((v) => v.currencyCode === first.currencyCode).map((v) => v.priceMinor);
  return { min: toMoney(Math.min(...prices), first.currencyCode), max: toMoney(Math.max(...prices), first.currencyCode) };
}
