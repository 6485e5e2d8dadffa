import type { VariantSnapshot } from '../clients/catalog-client';
import { MAX_LINE_QUANTITY } from '../db/schema';

/** A line of one of the two carts being merged. */
export interface MergeSourceLine {
  variantId: string;
  quantity: number;
}

export interface MergedLine {
  variantId: string;
  quantity: number;
  unitPriceMinor: number;
  currencyCode: string;
}

export interface MergePlan {
  /** Final lines of the customer's cart for every variant the guest cart held. */
  lines: MergedLine[];
  /** Variants of the guest cart left out, with why. */
  dropped: { variantId: string; reason: 'NOT_FOUND' | 'OUT_OF_STOCK' | 'CURRENCY' }[];
}

/**
 * The merge strategy on sign-in: for every variant of the guest cart, the customer's cart holds the
 * sum of both quantities, capped by what the catalog has available and by the line maximum; the
 * line takes the current price. Variants no longer sold (in the channel of the merge, too), sold
 * out or priced in another currency are left out (and reported). Lines only the customer's cart had
 * stay as they are.
 */
export function planGuestCartMerge(args: {
  currencyCode: string;
  /** The channel the merge happens in; a variant its product is not offered in is not sold there. */
  channel: string;
  guestLines: readonly MergeSourceLine[];
  customerLines: readonly MergeSourceLine[];
  snapshots: ReadonlyMap<string, VariantSnapshot | null>;
}): MergePlan {
  const existing = new Map(args.customerLines.map((line) => [line.variantId, line.quantity]));
  const plan: MergePlan = { lines: [], dropped: [] };
  for (const line of args.guestLines) {
    const snapshot = args.snapshots.get(line.variantId) ?? null;
    if (!snapshot || !snapshot.publishedChannels.includes(args.channel)) {
      plan.dropped.push({ variantId: line.variantId, reason: 'NOT_FOUND' });
      continue;
    }
    if (snapshot.currencyCode !== args.currencyCode) {
      plan.dropped.push({ variantId: line.variantId, reason: 'CURRENCY' });
      continue;
    }
    const wanted = (existing.get(line.variantId) ?? 0) + line.quantity;
    const quantity = Math.min(wanted, MAX_LINE_QUANTITY, snapshot.availableForSale ? Math.max(snapshot.totalAvailable, 0) : 0);
    if (quantity < 1) {
      plan.dropped.push({ variantId: line.variantId, reason: 'OUT_OF_STOCK' });
      continue;
    }
    plan.lines.push({ variantId: line.variantId, quantity, unitPriceMinor: snapshot.priceMinor, currencyCode: snapshot.currencyCode });
  }
  return plan;
}
