import { checkEligibility, normalizedEnteredCodes, type EligibilityContext } from './check-eligibility';
import { normalizeCouponCode } from './coupon-codes';
import { evaluatePromotion, type EligiblePromotion, type Evaluated, type PricingState } from './evaluate-promotion';
import { compareIds, sumMinor } from './money';
import { resolveStacking, type Outcome } from './resolve-stacking';
import type {
  CartPricingResult,
  CouponState,
  PricedLine,
  PricingInput,
  PromotionDefinition,
  PromotionExplanation,
  PromotionUsage,
  UnmatchedCoupon,
} from './types';

/**
 * Prices a cart against candidate promotions. Pure and deterministic: no clock (the caller passes
 * `now`), no I/O (the caller passes usage counts and coupon states), and the result does not depend
 * on the order of `promotions` or of usage facts.
 *
 * 1. Order. Promotions are evaluated by priority, highest first, then by id. That one order decides
 *    which promotion applies first, which one wins a tie and the order of the explanations.
 * 2. Eligibility. Status, currency, schedule (`startsAt <= now < endsAt`), channel, store location,
 *    segment, coupon, usage limits, budget and conditions are checked for each promotion alone
 *    (`checkEligibility`). Thresholds compare with the subtotal before any discount.
 * 3. Best deal. Within each BEST_DEAL group, each eligible member is priced alone on the
 *    undiscounted cart; the one that saves the most stays (a tie goes to the earlier in the order),
 *    the others are EXCLUDED_BY it. The pick is made once, before combining: if the pick is then
 *    excluded itself, its group gives nothing, and the explanations read as a chain (B excluded by
 *    A, A excluded by C).
 * 4. Combination. COMBINABLE promotions and best-deal winners are applied in order, each on what
 *    earlier promotions left of every line and of shipping, so no line and no total goes negative.
 *    One is skipped as EXCLUDED_BY the first applied promotion it cannot combine with (both must
 *    accept the other's class). One that would take off nothing is NOTHING_TO_DISCOUNT and does not
 *    block others.
 * 5. Exclusive. Each eligible EXCLUSIVE promotion is priced alone on the undiscounted cart. The
 *    one that saves the most (tie: earlier in the order) replaces the whole combination when it
 *    saves strictly more than the combination does, or when the combination applies nothing; the
 *    shopper always gets the larger saving, and an equal saving keeps the combination. The losers
 *    are EXCLUDED_BY the winner (or by the first promotion of the winning combination).
 * 6. Caps. A promotion's saving never exceeds what is left of its budget (`budgetMinor` minus what
 *    was spent); a capped saving is re-allocated to its lines by largest remainder.
 *
 * Rounding: percentages round half up to a whole minor unit. An order or lines discount is one
 * amount computed on the lines together and allocated to them in proportion to what is left of
 * each, by largest remainder with ties broken by line id (`allocateByLargestRemainder`), so a
 * promotion's allocations always sum exactly to its amount and never exceed a line.
 *
 * Throws a RangeError on malformed input (duplicate promotion ids, line ids, usage or coupon facts;
 * non-integer or negative quantities and prices; totals beyond 2^53): those are bugs in the caller,
 * not shopper errors.
 */
export function quoteCart(input: PricingInput): CartPricingResult {
  const { cart, now } = input;
  assertWellFormed(input);

  const lineSubtotals = cart.lines.map((line) => lineSubtotal(line.quantity, line.unitPriceMinor));
  const subtotalMinor = sumMinor(lineSubtotals);
  if (!Number.isSafeInteger(subtotalMinor + (cart.shippingMinor ?? 0))) throw new RangeError('The cart total exceeds the safe integer range');
  const ordered = [...input.promotions].sort(comparePromotions);

  const enteredCodes = normalizedEnteredCodes(cart.couponCodes);
  const couponStates = new Map<string, CouponState>();
  for (const fact of input.usage.coupons) couponStates.set(normalizeCouponCode(fact.code), fact.state);
  const usage = new Map<string, PromotionUsage>(input.usage.promotions.map((u) => [u.promotionId, u]));
  const eligibilityContext: EligibilityContext = { cart, now, subtotalMinor, enteredCodes, couponStates, usage };

  const outcomes = new Map<string, Outcome>();
  const eligible: EligiblePromotion[] = [];
  for (const promotion of ordered) {
    const eligibility = checkEligibility(promotion, eligibilityContext);
    if (eligibility.eligible) eligible.push({ promotion, couponCode: eligibility.couponCode, budgetLeftMinor: eligibility.budgetLeftMinor });
    else outcomes.set(promotion.id, { applied: false, reasons: eligibility.reasons });
  }

  const fresh: PricingState = { remaining: lineSubtotals, shippingRemainingMinor: cart.shippingMinor ?? 0 };
  const { winners, losers } = resolveStacking(eligible, fresh, (candidate, state) =>
    evaluatePromotion(candidate, { lines: cart.lines, remaining: state.remaining, subtotalMinor, shippingRemainingMinor: state.shippingRemainingMinor }),
  );
  for (const [id, outcome] of losers) outcomes.set(id, outcome);
  for (const winner of winners) outcomes.set(winner.candidate.promotion.id, { applied: true, evaluated: winner });

  return assemble(input, ordered, outcomes, winners, lineSubtotals, subtotalMinor, enteredCodes, couponStates);
}

function comparePromotions(a: PromotionDefinition, b: PromotionDefinition): number {
  return b.priority - a.priority || compareIds(a.id, b.id);
}

function lineSubtotal(quantity: number, unitPriceMinor: number): number {
  const product = BigInt(quantity) * BigInt(unitPriceMinor);
  if (product > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError('A line subtotal exceeds the safe integer range');
  return Number(product);
}

function assertWellFormed(input: PricingInput): void {
  const promotionIds = new Set<string>();
  for (const promotion of input.promotions) {
    if (promotionIds.has(promotion.id)) throw new RangeError(`Promotion ${promotion.id} is listed twice`);
    promotionIds.add(promotion.id);
  }
  const lineIds = new Set<string>();
  for (const line of input.cart.lines) {
    if (lineIds.has(line.lineId)) throw new RangeError(`Line ${line.lineId} is listed twice`);
    lineIds.add(line.lineId);
    if (!Number.isSafeInteger(line.quantity) || line.quantity <= 0) throw new RangeError(`Line ${line.lineId} needs a positive whole quantity`);
    if (!Number.isSafeInteger(line.unitPriceMinor) || line.unitPriceMinor < 0) throw new RangeError(`Line ${line.lineId} needs a whole, non-negative unit price`);
  }
  // One fact per promotion and per code: with two, which one counts would depend on list order.
  const usageIds = new Set<string>();
  for (const usage of input.usage.promotions) {
    if (usageIds.has(usage.promotionId)) throw new RangeError(`Usage of ${usage.promotionId} is listed twice`);
    usageIds.add(usage.promotionId);
  }
  const codes = new Set<string>();
  for (const fact of input.usage.coupons) {
    const code = normalizeCouponCode(fact.code);
    if (codes.has(code)) throw new RangeError(`Coupon ${code} is listed twice`);
    codes.add(code);
  }
  const shipping = input.cart.shippingMinor;
  if (shipping !== null && (!Number.isSafeInteger(shipping) || shipping < 0)) throw new RangeError('The shipping fee must be a whole, non-negative amount');
}

function assemble(
  input: PricingInput,
  ordered: readonly PromotionDefinition[],
  outcomes: ReadonlyMap<string, Outcome>,
  winners: readonly Evaluated[],
  lineSubtotals: readonly number[],
  subtotalMinor: number,
  enteredCodes: readonly string[],
  couponStates: ReadonlyMap<string, CouponState>,
): CartPricingResult {
  const { cart } = input;
  const lines: PricedLine[] = cart.lines.map((line, i) => {
    const discounts = winners.flatMap((w) => (w.lineAmounts[i]! > 0 ? [{ promotionId: w.applied.promotionId, amountMinor: w.lineAmounts[i]! }] : []));
    const discountMinor = sumMinor(discounts.map((d) => d.amountMinor));
    return { lineId: line.lineId, subtotalMinor: lineSubtotals[i]!, discountMinor, totalMinor: lineSubtotals[i]! - discountMinor, discounts };
  });
  const lineDiscountTotalMinor = sumMinor(lines.map((l) => l.discountMinor));
  const shippingDiscountMinor = sumMinor(winners.map((w) => w.applied.shippingDiscountMinor));
  const shippingMinor = cart.shippingMinor;

  const explanations: PromotionExplanation[] = ordered.map((promotion) => {
    const outcome = outcomes.get(promotion.id);
    if (outcome?.applied) {
      const { applied } = outcome.evaluated;
      return { promotionId: promotion.id, name: promotion.name, outcome: 'APPLIED', amountMinor: applied.amountMinor, couponCode: applied.couponCode };
    }
    const reasons = outcome?.reasons ?? [{ code: 'NOTHING_TO_DISCOUNT' } as const];
    return { promotionId: promotion.id, name: promotion.name, outcome: 'NOT_APPLIED', reasons };
  });

  const candidateIds = new Set(ordered.map((p) => p.id));
  const unmatchedCoupons: UnmatchedCoupon[] = [];
  for (const code of enteredCodes) {
    const state = couponStates.get(code) ?? { status: 'UNKNOWN' as const };
    const reason = unmatchedReason(state, candidateIds);
    if (reason) unmatchedCoupons.push({ code, reason });
  }

  return {
    currencyCode: cart.currencyCode,
    subtotalMinor,
    lines,
    applied: winners.map((w) => w.applied),
    gifts: winners.flatMap((w) => (w.gift ? [w.gift] : [])),
    lineDiscountTotalMinor,
    shippingMinor,
    shippingDiscountMinor,
    discountTotalMinor: lineDiscountTotalMinor + shippingDiscountMinor,
    totalMinor: subtotalMinor - lineDiscountTotalMinor + (shippingMinor ?? 0) - shippingDiscountMinor,
    explanations,
    unmatchedCoupons,
  };
}

function unmatchedReason(state: CouponState, candidateIds: ReadonlySet<string>): UnmatchedCoupon['reason'] | null {
  switch (state.status) {
    case 'UNKNOWN':
      return 'COUPON_UNKNOWN';
    case 'EXPIRED':
      return 'COUPON_EXPIRED';
    case 'USED_UP':
      return 'COUPON_USED_UP';
    case 'OTHER_CHANNEL':
      return 'NOT_IN_CHANNEL';
    case 'NOT_YOURS':
      return 'COUPON_NOT_YOURS';
    case 'VALID':
      // Valid for a promotion that is not a candidate (deleted, or filtered out by the caller).
      return candidateIds.has(state.promotionId) ? null : 'COUPON_UNKNOWN';
  }
}
