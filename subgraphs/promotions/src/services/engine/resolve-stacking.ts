import { discountClassOf } from './compute-action';
import { applyTo, type EligiblePromotion, type Evaluated, type Evaluation, type PricingState } from './evaluate-promotion';
import { sumMinor } from './money';
import type { CombinesWith, DiscountClass, NotAppliedReason } from './types';

export type Outcome = { applied: true; evaluated: Evaluated } | { applied: false; reasons: readonly [NotAppliedReason, ...NotAppliedReason[]] };

export interface StackingResult {
  /** In application order. */
  winners: Evaluated[];
  /** For every eligible promotion that did not win. */
  losers: Map<string, Outcome>;
}

/**
 * Decides which eligible promotions apply together (see `quoteCart` for the rules). `eligible` is
 * in evaluation order; `evaluate` prices a promotion against a state, `fresh` is the undiscounted cart.
 */
export function resolveStacking(eligible: readonly EligiblePromotion[], fresh: PricingState, evaluate: (candidate: EligiblePromotion, state: PricingState) => Evaluation): StackingResult {
  const losers = new Map<string, Outcome>();
  const notApplied = (id: string, reason: NotAppliedReason) => losers.set(id, { applied: false, reasons: [reason] });

  const groupPicks = pickBestDeals(eligible, fresh, evaluate, notApplied);
  const combination = combine(
    eligible.filter(({ promotion }) => promotion.stacking.mode === 'COMBINABLE' || groupPicks.has(promotion.id)),
    fresh,
    evaluate,
    notApplied,
  );
  const exclusives = pricedAlone(
    eligible.filter(({ promotion }) => promotion.stacking.mode === 'EXCLUSIVE'),
    fresh,
    evaluate,
    notApplied,
  );

  const best = mostSaving(exclusives);
  const combinationSaving = sumMinor(combination.map((e) => e.applied.amountMinor));
  // The shopper gets the larger saving; an equal one keeps the combination, which is what the
  // merchant set up to stack.
  if (best && (combination.length === 0 || best.applied.amountMinor > combinationSaving)) {
    for (const loser of [...combination, ...exclusives]) {
      if (loser !== best) notApplied(loser.candidate.promotion.id, { code: 'EXCLUDED_BY', promotionId: best.candidate.promotion.id });
    }
    return { winners: [best], losers };
  }
  const first = combination[0];
  if (first) for (const loser of exclusives) notApplied(loser.candidate.promotion.id, { code: 'EXCLUDED_BY', promotionId: first.candidate.promotion.id });
  return { winners: combination, losers };
}

type NotApplied = (id: string, reason: NotAppliedReason) => void;

/** Prices each promotion alone on the undiscounted cart, reporting those that give nothing. */
function pricedAlone(candidates: readonly EligiblePromotion[], fresh: PricingState, evaluate: (c: EligiblePromotion, s: PricingState) => Evaluation, notApplied: NotApplied): Evaluated[] {
  const priced: Evaluated[] = [];
  for (const candidate of candidates) {
    const result = evaluate(candidate, fresh);
    if (result.ok) priced.push(result);
    else notApplied(candidate.promotion.id, result.reason);
  }
  return priced;
}

/** The most saving; on a tie the earlier in evaluation order, since `priced` keeps that order. */
function mostSaving(priced: readonly Evaluated[]): Evaluated | null {
  let best: Evaluated | null = null;
  for (const evaluated of priced) if (best === null || evaluated.applied.amountMinor > best.applied.amountMinor) best = evaluated;
  return best;
}

/** The ids of the one promotion kept in each BEST_DEAL group; the others are excluded by it. */
function pickBestDeals(eligible: readonly EligiblePromotion[], fresh: PricingState, evaluate: (c: EligiblePromotion, s: PricingState) => Evaluation, notApplied: NotApplied): Set<string> {
  const groups = new Map<string, EligiblePromotion[]>();
  for (const candidate of eligible) {
    const { stacking } = candidate.promotion;
    if (stacking.mode !== 'BEST_DEAL') continue;
    const members = groups.get(stacking.group) ?? [];
    members.push(candidate);
    groups.set(stacking.group, members);
  }
  const picks = new Set<string>();
  for (const members of groups.values()) {
    const priced = pricedAlone(members, fresh, evaluate, notApplied);
    const pick = mostSaving(priced);
    if (!pick) continue;
    picks.add(pick.candidate.promotion.id);
    for (const other of priced) {
      if (other !== pick) notApplied(other.candidate.promotion.id, { code: 'EXCLUDED_BY', promotionId: pick.candidate.promotion.id });
    }
  }
  return picks;
}

/** Applies the candidates in order, each on what the earlier ones left, skipping those that do not combine. */
function combine(candidates: readonly EligiblePromotion[], fresh: PricingState, evaluate: (c: EligiblePromotion, s: PricingState) => Evaluation, notApplied: NotApplied): Evaluated[] {
  const combination: Evaluated[] = [];
  const blockers = new CombinationBlockers();
  let state = fresh;
  for (const candidate of candidates) {
    const { id, stacking, action } = candidate.promotion;
    if (stacking.mode === 'EXCLUSIVE') continue;
    const discountClass = discountClassOf(action);
    const blocker = blockers.firstBlocking(discountClass, stacking.combinesWith);
    if (blocker !== null) {
      notApplied(id, { code: 'EXCLUDED_BY', promotionId: blocker });
      continue;
    }
    const result = evaluate(candidate, state);
    if (!result.ok) {
      notApplied(id, result.reason);
      continue;
    }
    combination.push(result);
    blockers.accept(id, discountClass, stacking.combinesWith, combination.length - 1);
    state = applyTo(state, result);
  }
  return combination;
}

function allows(combinesWith: CombinesWith, discountClass: DiscountClass): boolean {
  switch (discountClass) {
    case 'ORDER':
      return combinesWith.order;
    case 'PRODUCT':
      return combinesWith.product;
    case 'SHIPPING':
      return combinesWith.shipping;
  }
}

const CLASSES: readonly DiscountClass[] = ['ORDER', 'PRODUCT', 'SHIPPING'];

/**
 * Which applied promotion, if any, a candidate cannot combine with: one whose class the candidate
 * refuses, or one that refuses the candidate's class (Shopify's `combinesWith`, checked both ways).
 * Only the earliest applied promotion of each kind matters, so a candidate is checked in constant
 * time instead of against every promotion applied so far.
 */
class CombinationBlockers {
  private readonly firstOfClass = new Map<DiscountClass, { id: string; rank: number }>();
  private readonly firstRefusing = new Map<DiscountClass, { id: string; rank: number }>();

  firstBlocking(discountClass: DiscountClass, combinesWith: CombinesWith): string | null {
    let earliest = this.firstRefusing.get(discountClass) ?? null;
    for (const other of CLASSES) {
      if (allows(combinesWith, other)) continue;
      const applied = this.firstOfClass.get(other);
      if (applied && (earliest === null || applied.rank < earliest.rank)) earliest = applied;
    }
    return earliest?.id ?? null;
  }

  accept(id: string, discountClass: DiscountClass, combinesWith: CombinesWith, rank: number): void {
    if (!this.firstOfClass.has(discountClass)) this.firstOfClass.set(discountClass, { id, rank });
    for (const other of CLASSES) {
      if (!allows(combinesWith, other) && !this.firstRefusing.has(other)) this.firstRefusing.set(other, { id, rank });
    }
  }
}
