import type { CartLineInput, LineTarget } from './types';

export function lineMatches(line: CartLineInput, target: LineTarget): boolean {
  switch (target.kind) {
    case 'PRODUCT':
      return target.ids.includes(line.productId);
    case 'VARIANT':
      return target.ids.includes(line.variantId);
    case 'CATEGORY':
      return line.categoryIds.some((id) => target.ids.includes(id));
  }
}

export function quantityMatching(lines: readonly CartLineInput[], target: LineTarget): number {
  let quantity = 0;
  for (const line of lines) if (lineMatches(line, target)) quantity += line.quantity;
  return quantity;
}
