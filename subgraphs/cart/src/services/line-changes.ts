import { fail, succeed, userError, type Outcome, type UserError } from '@omni/graphql';
import type { VariantSnapshot } from '../clients/catalog-client';
import { MAX_CART_LINES, MAX_LINE_QUANTITY, type CartLineRow } from '../db/schema';

/**
 * Pure planning of line changes: given the request, the cart's current lines (read under the cart
 * lock) and, for additions, the catalog's snapshots, decide the final rows or why nothing changes.
 * Every error is collected so a client can fix all of its lines in one round trip.
 */
export interface LineAddition {
  variantId: string;
  /** Quantity the line holds after the change. */
  quantity: number;
  unitPriceMinor: number;
  currencyCode: string;
}

export function planLineAdditions(args: {
  cartCurrencyCode: string;
  /** The channel the lines are added in: only what it offers can be added. */
  channel: string;
  requested: readonly { variantId: string; quantity: number }[];
  /** Lines the cart holds now, all of them (`Cart.lineCount` under the lock). */
  cartLineCount: number;
  /** The cart's lines holding a requested variant. */
  existingByVariantId: ReadonlyMap<string, Pick<CartLineRow, 'quantity'>>;
  snapshots: ReadonlyMap<string, VariantSnapshot | null>;
}): Outcome<LineAddition[]> {
  const newItems = new Set(args.requested.map((line) => line.variantId).filter((variantId) => !args.existingByVariantId.has(variantId)));
  if (args.cartLineCount + newItems.size > MAX_CART_LINES) {
    return fail(userError('INVALID', `A cart holds at most ${MAX_CART_LINES} different items; this one has ${args.cartLineCount}`, ['input', 'lines']));
  }
  const errors: UserError[] = [];
  const additions: LineAddition[] = [];
  args.requested.forEach((line, index) => {
    const field = (name: string) => ['input', 'lines', index, name];
    const snapshot = args.snapshots.get(line.variantId) ?? null;
    // A draft or a product of another channel answers as an unknown id: nothing to learn from probing.
    if (!snapshot || !snapshot.publishedChannels.includes(args.channel)) {
      errors.push(userError('NOT_FOUND', 'No such product variant', field('variantId')));
      return;
    }
    if (snapshot.currencyCode !== args.cartCurrencyCode) {
      errors.push(userError('INVALID', `The variant is priced in ${snapshot.currencyCode}, the cart in ${args.cartCurrencyCode}`, field('variantId')));
      return;
    }
    if (!snapshot.availableForSale) {
      errors.push(userError('OUT_OF_STOCK', 'The variant is not available for sale', field('variantId')));
      return;
    }
    const quantity = (args.existingByVariantId.get(line.variantId)?.quantity ?? 0) + line.quantity;
    if (quantity > MAX_LINE_QUANTITY) {
      errors.push(userError('INVALID', `A line holds at most ${MAX_LINE_QUANTITY} units`, field('quantity')));
      return;
    }
    if (quantity > snapshot.totalAvailable) {
      errors.push(userError('OUT_OF_STOCK', `Only ${Math.max(snapshot.totalAvailable, 0)} available`, field('quantity')));
      return;
    }
    additions.push({ variantId: line.variantId, quantity, unitPriceMinor: snapshot.priceMinor, currencyCode: snapshot.currencyCode });
  });
  return errors.length > 0 ? fail(...errors) : succeed(additions);
}

export interface QuantityChanges {
  updates: { lineId: string; quantity: number }[];
  removals: string[];
}

/** Quantity 0 removes the line; any other quantity replaces the current one. */
export function planQuantityChanges(args: {
  requested: readonly { lineId: string; quantity: number }[];
  existingLineIds: ReadonlySet<string>;
}): Outcome<QuantityChanges> {
  const errors: UserError[] = [];
  const changes: QuantityChanges = { updates: [], removals: [] };
  args.requested.forEach((line, index) => {
    if (!args.existingLineIds.has(line.lineId)) {
      errors.push(userError('NOT_FOUND', 'No such line in this cart', ['input', 'lines', index, 'lineId']));
    } else if (line.quantity === 0) {
      changes.removals.push(line.lineId);
    } else {
      changes.updates.push({ lineId: line.lineId, quantity: line.quantity });
    }
  });
  return errors.length > 0 ? fail(...errors) : succeed(changes);
}

export function planRemovals(args: { requested: readonly string[]; existingLineIds: ReadonlySet<string> }): Outcome<string[]> {
  const errors = args.requested.flatMap((lineId, index) =>
    args.existingLineIds.has(lineId) ? [] : [userError('NOT_FOUND', 'No such line in this cart', ['input', 'lineIds', index])],
  );
  return errors.length > 0 ? fail(...errors) : succeed([...args.requested]);
}
