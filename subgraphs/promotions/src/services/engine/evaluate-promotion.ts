import { computeAction, discountClassOf, type ActionContext } from './compute-action';
import { allocateByLargestRemainder, sumMinor } from './money';
import type { AppliedPromotion, GiftRequirement, NotAppliedReason, PromotionDefinition } from './types';

/** A promotion that passed every check of its own, with what eligibility found out on the way. */
export interface EligiblePromotion {
  promotion: PromotionDefinition;
  couponCode: string | null;
  budgetLeftMinor: number | null;
}

/** What is left to discount: of each line (indexed like the cart's lines) and of shipping. */
export interface PricingState {
  remaining: readonly number[];
  shippingRemainingMinor: number;
}

/** A promotion priced against a state, ready to apply. */
export interface Evaluated {
  candidate: EligiblePromotion;
  applied: AppliedPromotion;
  /** Indexed like the cart's lines. */
  lineAmounts: readonly number[];
  gift: GiftRequirement | null;
}

export type Evaluation = ({ ok: true } & Evaluated) | { ok: false; reason: NotAppliedReason };

/**
 * Prices one eligible promotion on what is left, then caps it by what is left of its budget. A
 * capped saving is spread over the same lines in proportion to what each would have got.
 */
export function evaluatePromotion(candidate: EligiblePromotion, ctx: ActionContext): Evaluation {
  const { promotion } = candidate;
  const outcome = computeAction(promotion.action, ctx);
  if (outcome.kind === 'MISSING') return { ok: false, reason: outcome.reason };

  let lineAmounts = outcome.lineAmounts;
  let shipping = outcome.shippingMinor;
  const linesAmount = sumMinor(lineAmounts);
  if (candidate.budgetLeftMinor !== null && linesAmount + shipping > candidate.budgetLeftMinor) {
    const linesCapped = Math.min(linesAmount, candidate.budgetLeftMinor);
    lineAmounts = allocateByLargestRemainder(
      linesCapped,
      lineAmounts.map((weightMinor, i) => ({ lineId: ctx.lines[i]!.lineId, weightMinor })),
    );
    shipping = Math.min(shipping, candidate.budgetLeftMinor - linesCapped);
  }
  const lineTotal = sumMinor(lineAmounts);
  const amountMinor = lineTotal + shipping;
  // A gift applies even before it is in the cart: the cart has to add it.
  if (amountMinor === 0 && outcome.gift === null) return { ok: false, reason: { code: 'NOTHING_TO_DISCOUNT' } };

  const applied: AppliedPromotion = {
    promotionId: promotion.id,
    name: promotion.name,
    discountClass: discountClassOf(promotion.action),
    amountMinor,
    lineAllocations: lineAmounts.flatMap((amount, i) => (amount > 0 ? [{ lineId: ctx.lines[i]!.lineId, amountMinor: amount }] : [])),
    shippingDiscountMinor: shipping,
    couponCode: candidate.couponCode,
  };
  const gift = outcome.gift && { promotionId: promotion.id, ...outcome.gift, discountMinor: lineTotal };
  return { ok: true, candidate, applied, lineAmounts, gift };
}

export function applyTo(state: PricingState, evaluated: Evaluated): PricingState {
  return {
    remaining: state.remaining.map((left, i) => left - evaluated.lineAmounts[i]!),
    shippingRemainingMinor: state.shippingRemainingMinor - evaluated.applied.shippingDiscountMinor,
  };
}
