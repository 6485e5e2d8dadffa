import { z } from 'zod';
import { CHANNELS } from '@omni/auth';
import { isIdOf } from '@omni/db';
import { MoneyFormatError, toMinorUnits, userError, type UserError } from '@omni/graphql';
import type { DefinitionProblem, LineTarget, PromotionAction, PromotionCondition, Stacking } from './engine';

/**
 * The admin API's view of a promotion's rules: GraphQL inputs with decimal amounts, turned into the
 * engine's types (`PromotionCondition`, `PromotionAction`, `Stacking`) with every problem pointed
 * at its input field. The engine's own validation (`validatePromotionDefinition`) runs after this
 * on the whole definition; `problemField` points its problems back at the input.
 */

export interface LineTargetInput {
  kind: LineTarget['kind'];
  ids: readonly string[];
}

export interface PromotionConditionInput {
  type: PromotionCondition['type'];
  minimumSubtotal?: string | null;
  target?: LineTargetInput | null;
  minQuantity?: number | null;
  segments?: readonly string[] | null;
}

export interface PromotionActionInput {
  type: PromotionAction['type'];
  percent?: number | null;
  amountOff?: string | null;
  amountOffPerUnit?: string | null;
  tiers?: readonly { threshold: string; amountOff: string }[] | null;
  target?: LineTargetInput | null;
  buyQuantity?: number | null;
  getQuantity?: number | null;
  maxGroups?: number | null;
  items?: readonly { target: LineTargetInput; quantity: number }[] | null;
  price?: string | null;
  variantId?: string | null;
  quantity?: number | null;
}

export interface PromotionStackingInput {
  mode: Stacking['mode'];
  group?: string | null;
  combinesWithOrder?: boolean | null;
  combinesWithProduct?: boolean | null;
  combinesWithShipping?: boolean | null;
}

/** Stored promotions made before stacking existed combine with everything; new ones do too unless told. */
export const COMBINES_WITH_EVERYTHING: Stacking = { mode: 'COMBINABLE', combinesWith: { order: true, product: true, shipping: true } };

/**
 * The segment kinds the customer subgraph computes (its `SegmentKind`). A condition naming any
 * other could never be met, so it is refused when the promotion is saved.
 */
export const CUSTOMER_SEGMENT_KINDS = ['FIRST_TIME_BUYER', 'REPEAT_BUYER', 'HIGH_SPENDER', 'LOYALTY_GOLD', 'ENGAGED_WITH_PRODUCT'] as const;

function isCustomerSegmentKind(value: string): boolean {
  return (CUSTOMER_SEGMENT_KINDS as readonly string[]).includes(value);
}

/** The input fields each condition and action type reads; any other field given is refused. */
const CONDITION_FIELDS: Record<PromotionCondition['type'], readonly string[]> = {
  MIN_SUBTOTAL: ['minimumSubtotal'],
  CART_CONTAINS: ['target', 'minQuantity'],
  CUSTOMER_SEGMENT: ['segments'],
};
const ACTION_FIELDS: Record<PromotionAction['type'], readonly string[]> = {
  ORDER_PERCENT_OFF: ['percent'],
  ORDER_AMOUNT_OFF: ['amountOff'],
  TIERED_SPEND: ['tiers'],
  LINES_PERCENT_OFF: ['target', 'percent'],
  LINES_AMOUNT_OFF: ['target', 'amountOffPerUnit'],
  BUY_X_GET_Y: ['target', 'buyQuantity', 'getQuantity', 'percent', 'maxGroups'],
  BUNDLE_FIXED_PRICE: ['items', 'price'],
  FREE_SHIPPING: [],
  GIFT: ['variantId', 'quantity'],
};
const OPTIONAL_ACTION_FIELDS = new Set(['maxGroups']);

class Collector {
  readonly errors: UserError[] = [];
  add(path: readonly (string | number)[], message: string) {
    this.errors.push(userError('INVALID', message, ['input', ...path.map(String)]));
  }
  /** Minor units of a decimal amount, or NaN (reported) when it is not one. */
  minor(value: string, currencyCode: string, path: readonly (string | number)[]): number {
    try {
      return toMinorUnits(value, currencyCode);
    } catch (error) {
      if (!(error instanceof MoneyFormatError)) throw error;
      this.add(path, error.message);
      return Number.NaN;
    }
  }
}

function checkFields(given: object, allowed: readonly string[], optional: ReadonlySet<string>, path: readonly (string | number)[], typeName: string, out: Collector): boolean {
  let complete = true;
  for (const [field, value] of Object.entries(given)) {
    if (field === 'type' || field === 'mode' || value === null || value === undefined) continue;
    if (!allowed.includes(field)) out.add([...path, field], `must be omitted for ${typeName}`);
  }
  for (const field of allowed) {
    const value = (given as Record<string, unknown>)[field];
    if ((value === null || value === undefined) && !optional.has(field)) {
      out.add([...path, field], `is required for ${typeName}`);
      complete = false;
    }
  }
  return complete;
}

const ID_PREFIX: Record<LineTarget['kind'], string> = { PRODUCT: 'prod', VARIANT: 'var', CATEGORY: 'cat' };

/** A target's ids must be ids of its kind: a typo would otherwise match nothing, silently. */
function target(input: LineTargetInput, path: readonly (string | number)[], out: Collector): LineTarget {
  const ids = input.ids.map((id) => id.trim());
  ids.forEach((id, i) => {
    if (!isIdOf(ID_PREFIX[input.kind], id)) out.add([...path, 'ids', i], `must be an id prefixed \`${ID_PREFIX[input.kind]}_\``);
  });
  return { kind: input.kind, ids };
}

export function parseConditions(inputs: readonly PromotionConditionInput[], currencyCode: string, out: Collector): PromotionCondition[] {
  const conditions: PromotionCondition[] = [];
  inputs.forEach((input, i) => {
    const path = ['conditions', i];
    if (!checkFields(input, CONDITION_FIELDS[input.type], new Set(), path, input.type, out)) return;
    switch (input.type) {
      case 'MIN_SUBTOTAL':
        conditions.push({ type: 'MIN_SUBTOTAL', amountMinor: out.minor(input.minimumSubtotal!, currencyCode, [...path, 'minimumSubtotal']) });
        return;
      case 'CART_CONTAINS':
        conditions.push({ type: 'CART_CONTAINS', target: target(input.target!, [...path, 'target'], out), minQuantity: input.minQuantity! });
        return;
      case 'CUSTOMER_SEGMENT': {
        const segments = input.segments!.map((segment) => segment.trim().toUpperCase());
        segments.forEach((segment, j) => {
          if (!isCustomerSegmentKind(segment)) out.add([...path, 'segments', j], `is not a customer segment; use one of ${CUSTOMER_SEGMENT_KINDS.join(', ')}`);
        });
        conditions.push({ type: 'CUSTOMER_SEGMENT', segments });
        return;
      }
    }
  });
  return conditions;
}

export function parseAction(input: PromotionActionInput, currencyCode: string, out: Collector): PromotionAction | null {
  const path = ['action'];
  if (!checkFields(input, ACTION_FIELDS[input.type], OPTIONAL_ACTION_FIELDS, path, input.type, out)) return null;
  const money = (value: string, field: (string | number)[]) => out.minor(value, currencyCode, [...path, ...field]);
  switch (input.type) {
    case 'ORDER_PERCENT_OFF':
      return { type: 'ORDER_PERCENT_OFF', percent: input.percent! };
    case 'ORDER_AMOUNT_OFF':
      return { type: 'ORDER_AMOUNT_OFF', amountMinor: money(input.amountOff!, ['amountOff']) };
    case 'TIERED_SPEND':
      return {
        type: 'TIERED_SPEND',
        tiers: input.tiers!.map((tier, i) => ({ thresholdMinor: money(tier.threshold, ['tiers', i, 'threshold']), amountOffMinor: money(tier.amountOff, ['tiers', i, 'amountOff']) })),
      };
    case 'LINES_PERCENT_OFF':
      return { type: 'LINES_PERCENT_OFF', target: target(input.target!, [...path, 'target'], out), percent: input.percent! };
    case 'LINES_AMOUNT_OFF':
      return { type: 'LINES_AMOUNT_OFF', target: target(input.target!, [...path, 'target'], out), amountMinorPerUnit: money(input.amountOffPerUnit!, ['amountOffPerUnit']) };
    case 'BUY_X_GET_Y':
      return { type: 'BUY_X_GET_Y', target: target(input.target!, [...path, 'target'], out), buyQuantity: input.buyQuantity!, getQuantity: input.getQuantity!, percent: input.percent!, maxGroups: input.maxGroups ?? null };
    case 'BUNDLE_FIXED_PRICE':
      return { type: 'BUNDLE_FIXED_PRICE', items: input.items!.map((item, i) => ({ target: target(item.target, [...path, 'items', i, 'target'], out), quantity: item.quantity })), priceMinor: money(input.price!, ['price']) };
    case 'FREE_SHIPPING':
      return { type: 'FREE_SHIPPING' };
    case 'GIFT':
      return { type: 'GIFT', variantId: input.variantId!.trim(), quantity: input.quantity! };
  }
}

export function parseStacking(input: PromotionStackingInput, out: Collector): Stacking {
  const combinesWith = { order: input.combinesWithOrder ?? false, product: input.combinesWithProduct ?? false, shipping: input.combinesWithShipping ?? false };
  switch (input.mode) {
    case 'EXCLUSIVE':
      for (const field of ['group', 'combinesWithOrder', 'combinesWithProduct', 'combinesWithShipping'] as const) {
        if (input[field] != null) out.add(['stacking', field], 'must be omitted for an EXCLUSIVE promotion');
      }
      return { mode: 'EXCLUSIVE' };
    case 'COMBINABLE':
      if (input.group != null) out.add(['stacking', 'group'], 'must be omitted for a COMBINABLE promotion');
      return { mode: 'COMBINABLE', combinesWith };
    case 'BEST_DEAL':
      if (input.group == null) out.add(['stacking', 'group'], 'is required for a BEST_DEAL promotion');
      return { mode: 'BEST_DEAL', group: (input.group ?? '').trim(), combinesWith };
  }
}

/** Engine field names that differ from the input's (amounts are decimals there, minor units here). */
const INPUT_NAMES: Record<string, string> = {
  amountMinor: 'amountOff',
  amountMinorPerUnit: 'amountOffPerUnit',
  thresholdMinor: 'threshold',
  amountOffMinor: 'amountOff',
  priceMinor: 'price',
  budgetMinor: 'budget',
};

/**
 * The input path of an engine problem (`action.tiers[1].thresholdMinor` → input.action.tiers.1.threshold).
 * Conditions beyond those given in `conditions` came from `minimumSubtotal`.
 */
export function problemField(problem: DefinitionProblem, conditionsGiven: number): string[] {
  const segments = problem.field.split(/\.|\[(\d+)\]/).filter((segment) => segment !== undefined && segment !== '');
  if (segments[0] === 'conditions') {
    if (Number(segments[1]) >= conditionsGiven) return ['input', 'minimumSubtotal'];
    if (segments[2] === 'amountMinor') return ['input', 'conditions', segments[1]!, 'minimumSubtotal'];
  }
  return ['input', ...segments.map((segment) => INPUT_NAMES[segment] ?? segment)];
}

export function problemErrors(problems: readonly DefinitionProblem[], conditionsGiven: number): UserError[] {
  return problems.map((problem) => userError('INVALID', problem.message, problemField(problem, conditionsGiven)));
}

export { Collector as RulesInputCollector };

/** The channels a promotion runs in, each at most once; left out: every channel. */
export const channelsInput = z
  .array(z.enum(CHANNELS))
  .nullish()
  .refine((channels) => !channels || new Set(channels).size === channels.length, 'must not name a channel twice');
