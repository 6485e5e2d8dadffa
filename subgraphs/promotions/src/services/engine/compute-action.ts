import { lineMatches } from './line-targets';
import { allocateByLargestRemainder, percentOfMinor, sumMinor, timesCapped } from './money';
import type { CartLineInput, DiscountClass, LineTarget, MissingProducts, NotAppliedReason, PromotionAction } from './types';
import { sortPool, takeUnits, unitBuckets, type UnitBucket, type UnitOrder } from './unit-selection';

/** What an action would take off, given what earlier promotions left of each line and of shipping. */
export type ActionOutcome =
  | {
      kind: 'DISCOUNT';
      /** Indexed like the cart's lines; each at most what was left of that line. */
      lineAmounts: number[];
      shippingMinor: number;
      gift: { variantId: string; quantity: number; quantityInCart: number } | null;
    }
  /** The cart lacks what the action needs (units for a multi-buy, a tier's threshold). */
  | { kind: 'MISSING'; reason: NotAppliedReason };

export interface ActionContext {
  lines: readonly CartLineInput[];
  /** What is left of each line, indexed like `lines`. */
  remaining: readonly number[];
  /** Cart subtotal before any discount: thresholds are about what the shopper buys, not saves. */
  subtotalMinor: number;
  shippingRemainingMinor: number;
}

export function discountClassOf(action: PromotionAction): DiscountClass {
  switch (action.type) {
    case 'ORDER_PERCENT_OFF':
    case 'ORDER_AMOUNT_OFF':
    case 'TIERED_SPEND':
      return 'ORDER';
    case 'FREE_SHIPPING':
      return 'SHIPPING';
    case 'LINES_PERCENT_OFF':
    case 'LINES_AMOUNT_OFF':
    case 'BUY_X_GET_Y':
    case 'BUNDLE_FIXED_PRICE':
    case 'GIFT':
      return 'PRODUCT';
  }
}

export function computeAction(action: PromotionAction, ctx: ActionContext): ActionOutcome {
  switch (action.type) {
    case 'ORDER_PERCENT_OFF':
      return spreadOverLines(ctx, allIndices(ctx), (base) => percentOfMinor(base, action.percent));
    case 'ORDER_AMOUNT_OFF':
      return spreadOverLines(ctx, allIndices(ctx), (base) => Math.min(action.amountMinor, base));
    case 'TIERED_SPEND':
      return tieredSpend(action.tiers, ctx);
    case 'LINES_PERCENT_OFF':
      return matchingOrMissing(ctx, action.target, 1, (indices) => spreadOverLines(ctx, indices, (base) => percentOfMinor(base, action.percent)));
    case 'LINES_AMOUNT_OFF':
      return matchingOrMissing(ctx, action.target, 1, (indices) => {
        const lineAmounts = zeros(ctx);
        for (const i of indices) lineAmounts[i] = timesCapped(action.amountMinorPerUnit, ctx.lines[i]!.quantity, ctx.remaining[i]!);
        return discount(lineAmounts);
      });
    case 'BUY_X_GET_Y':
      return buyXGetY(action, ctx);
    case 'BUNDLE_FIXED_PRICE':
      return bundle(action.items, action.priceMinor, ctx);
    case 'FREE_SHIPPING':
      return { kind: 'DISCOUNT', lineAmounts: zeros(ctx), shippingMinor: ctx.shippingRemainingMinor, gift: null };
    case 'GIFT':
      return gift(action.variantId, action.quantity, ctx);
  }
}

function zeros(ctx: ActionContext): number[] {
  return new Array<number>(ctx.lines.length).fill(0);
}

function discount(lineAmounts: number[]): ActionOutcome {
  return { kind: 'DISCOUNT', lineAmounts, shippingMinor: 0, gift: null };
}

function allIndices(ctx: ActionContext): number[] {
  return ctx.lines.map((_, i) => i);
}

function matchingIndices(ctx: ActionContext, target: LineTarget): number[] {
  const indices: number[] = [];
  ctx.lines.forEach((line, i) => {
    if (lineMatches(line, target)) indices.push(i);
  });
  return indices;
}

function missing(items: MissingProducts[]): ActionOutcome {
  return { kind: 'MISSING', reason: { code: 'PRODUCTS_NOT_IN_CART', missing: items } };
}

function matchingOrMissing(ctx: ActionContext, target: LineTarget, minUnits: number, then: (indices: number[]) => ActionOutcome): ActionOutcome {
  const indices = matchingIndices(ctx, target);
  const units = sumMinor(indices.map((i) => ctx.lines[i]!.quantity));
  if (units < minUnits) return missing([{ target, quantityMissing: minUnits - units }]);
  return then(indices);
}

/**
 * One amount computed on the lines taken together, then allocated to them in proportion to what is
 * left of each. Computing once and allocating (rather than rounding line by line) keeps the amount
 * the shopper was promised ("10 % off") exact to the minor unit.
 */
function spreadOverLines(ctx: ActionContext, indices: readonly number[], amountOf: (baseMinor: number) => number): ActionOutcome {
  const base = sumMinor(indices.map((i) => ctx.remaining[i]!));
  const amount = Math.min(amountOf(base), base);
  const shares = allocateByLargestRemainder(
    amount,
    indices.map((i) => ({ lineId: ctx.lines[i]!.lineId, weightMinor: ctx.remaining[i]! })),
  );
  const lineAmounts = zeros(ctx);
  indices.forEach((lineIndex, k) => {
    lineAmounts[lineIndex] = shares[k]!;
  });
  return discount(lineAmounts);
}

function tieredSpend(tiers: readonly { thresholdMinor: number; amountOffMinor: number }[], ctx: ActionContext): ActionOutcome {
  let reached: { thresholdMinor: number; amountOffMinor: number } | null = null;
  let lowest: number | null = null;
  for (const tier of tiers) {
    if (lowest === null || tier.thresholdMinor < lowest) lowest = tier.thresholdMinor;
    if (tier.thresholdMinor <= ctx.subtotalMinor && (reached === null || tier.thresholdMinor > reached.thresholdMinor)) reached = tier;
  }
  if (reached === null) return { kind: 'MISSING', reason: { code: 'MIN_SUBTOTAL_NOT_MET', missingMinor: (lowest ?? 0) - ctx.subtotalMinor } };
  const amountOff = reached.amountOffMinor;
  return spreadOverLines(ctx, allIndices(ctx), (base) => Math.min(amountOff, base));
}

function poolOf(ctx: ActionContext, indices: readonly number[], order: UnitOrder): UnitBucket[] {
  const pool: UnitBucket[] = [];
  for (const i of indices) pool.push(...unitBuckets(i, ctx.lines[i]!.lineId, ctx.remaining[i]!, ctx.lines[i]!.quantity));
  return sortPool(pool, order);
}

/**
 * The cheapest units are the discounted ones (commercetools' "Cheapest" selection mode), so a
 * "2 for 1" over a 30 and a 20 item gives the 20 one free, whichever line came first.
 */
function buyXGetY(
  action: { target: LineTarget; buyQuantity: number; getQuantity: number; percent: number; maxGroups: number | null },
  ctx: ActionContext,
): ActionOutcome {
  const groupSize = action.buyQuantity + action.getQuantity;
  return matchingOrMissing(ctx, action.target, groupSize, (indices) => {
    const units = sumMinor(indices.map((i) => ctx.lines[i]!.quantity));
    let groups = Math.floor(units / groupSize);
    if (action.maxGroups !== null) groups = Math.min(groups, action.maxGroups);
    const { valueByLine } = takeUnits(poolOf(ctx, indices, 'CHEAPEST_FIRST'), groups * action.getQuantity, ctx.lines.length);
    // Rounded per line, on the value taken from it, so each line's share is exact by construction.
    return discount(valueByLine.map((value) => percentOfMinor(value, action.percent)));
  });
}

/**
 * The dearest matching units make up the bundles: the shopper gets the most out of the set price.
 * Items may overlap (a category and a product in it), so units are taken item by item from one
 * shared pool, a unit never counting for two items.
 */
function bundle(items: readonly { target: LineTarget; quantity: number }[], priceMinor: number, ctx: ActionContext): ActionOutcome {
  const perItem = items.map((item) => ({ item, indices: matchingIndices(ctx, item.target) }));
  const shortfalls: MissingProducts[] = [];
  let bundles = Number.POSITIVE_INFINITY;
  for (const { item, indices } of perItem) {
    const units = sumMinor(indices.map((i) => ctx.lines[i]!.quantity));
    if (units < item.quantity) shortfalls.push({ target: item.target, quantityMissing: item.quantity - units });
    bundles = Math.min(bundles, Math.floor(units / item.quantity));
  }
  if (shortfalls.length > 0 || perItem.length === 0) return missing(shortfalls);

  // Items may share units, so the most bundles that fill is searched for (fewer bundles never
  // fill worse), trying the raw upper bound first since items rarely overlap.
  let best = fillBundles(perItem, bundles, ctx);
  if (best === null) {
    let low = 0;
    let high = bundles;
    while (high - low > 1) {
      const middle = Math.floor((low + high) / 2);
      const filled = fillBundles(perItem, middle, ctx);
      if (filled) {
        low = middle;
        best = filled;
      } else high = middle;
    }
    bundles = low;
  }
  if (best === null || bundles === 0) return discount(zeros(ctx));
  const setValue = sumMinor(best);
  const setPrice = BigInt(priceMinor) * BigInt(bundles);
  // Sets are priced together: a set worth less than its price gives nothing, never a surcharge.
  const saving = setPrice >= BigInt(setValue) ? 0 : setValue - Number(setPrice);
  return discount(allocateByLargestRemainder(saving, best.map((weightMinor, i) => ({ lineId: ctx.lines[i]!.lineId, weightMinor }))));
}

/** The value taken from each line to fill `bundles` sets, or null when the cart cannot fill them. */
function fillBundles(perItem: readonly { item: { quantity: number }; indices: readonly number[] }[], bundles: number, ctx: ActionContext): number[] | null {
  const pool = poolOf(ctx, allIndices(ctx), 'DEAREST_FIRST');
  const value = zeros(ctx);
  for (const { item, indices } of perItem) {
    const allowed = new Set(indices);
    const wanted = bundles * item.quantity;
    const taken = takeUnits(
      pool.filter((bucket) => allowed.has(bucket.lineIndex)),
      wanted,
      ctx.lines.length,
    );
    if (taken.taken < wanted) return null;
    taken.valueByLine.forEach((v, i) => {
      value[i]! += v;
    });
  }
  return value;
}

function gift(variantId: string, quantity: number, ctx: ActionContext): ActionOutcome {
  const indices = matchingIndices(ctx, { kind: 'VARIANT', ids: [variantId] });
  const quantityInCart = sumMinor(indices.map((i) => ctx.lines[i]!.quantity));
  const { valueByLine } = takeUnits(poolOf(ctx, indices, 'CHEAPEST_FIRST'), Math.min(quantity, quantityInCart), ctx.lines.length);
  return { kind: 'DISCOUNT', lineAmounts: valueByLine, shippingMinor: 0, gift: { variantId, quantity, quantityInCart } };
}
