import { userError, type UserError } from '@omni/graphql';
import type { OfferTrigger } from '../db/schema';
import type { LineTarget, PromotionAction } from './engine';
import type { StoredPromotionRules } from './engine/stored-rules';

/**
 * The rules of personal offers, without storage: what makes a promotion a valid template, what an
 * issued offer copies from it, when it expires and how it reads to its owner.
 */

export const MAX_OFFER_VALID_DAYS = 365;
const DAY_MS = 24 * 60 * 60 * 1000;

/** Actions that take something off given products: the ones an engagement offer can aim at the product. */
const PRODUCT_ACTIONS = ['LINES_PERCENT_OFF', 'LINES_AMOUNT_OFF', 'BUY_X_GET_Y'] as const;
type ProductAction = Extract<PromotionAction, { type: (typeof PRODUCT_ACTIONS)[number] }>;

export function isProductAction(action: PromotionAction): action is ProductAction {
  return (PRODUCT_ACTIONS as readonly string[]).includes(action.type);
}

/**
 * An engagement template names no product: each issued offer targets the product its customer
 * engaged with. The engine checks a definition with a target, so the template is checked with
 * this stand-in product and stored with an empty target.
 */
const PRODUCT_STAND_IN: LineTarget = { kind: 'PRODUCT', ids: ['prod_00000000000000000000000000'] };

export interface OfferTemplateInput {
  trigger: OfferTrigger;
  validForDays: number;
}

/**
 * Problems of a template before its rules are parsed: its validity, that it needs its code (a
 * template never applies by itself), and that an engagement offer acts on the engaged product.
 */
export function offerTemplateProblems(
  template: OfferTemplateInput,
  input: { requiresCoupon?: boolean | null; action?: { type: PromotionAction['type']; target?: unknown } | null },
  currentAction: PromotionAction | null,
): UserError[] {
  const errors: UserError[] = [];
  if (!Number.isSafeInteger(template.validForDays) || template.validForDays < 1 || template.validForDays > MAX_OFFER_VALID_DAYS) {
    errors.push(userError('INVALID', `must be a whole number of days from 1 to ${MAX_OFFER_VALID_DAYS}`, ['input', 'personalOffer', 'validForDays']));
  }
  if (input.requiresCoupon === false) {
    errors.push(userError('INVALID', 'must be true or omitted: a personal offer is used with its own code', ['input', 'requiresCoupon']));
  }
  if (template.trigger === 'ENGAGED_WITH_PRODUCT') {
    const type = input.action?.type ?? currentAction?.type ?? null;
    if (type === null || !(PRODUCT_ACTIONS as readonly string[]).includes(type)) {
      errors.push(userError('INVALID', 'an engagement offer acts on the product: give action LINES_PERCENT_OFF, LINES_AMOUNT_OFF or BUY_X_GET_Y', ['input', 'action', 'type']));
    } else if (input.action?.target != null) {
      errors.push(userError('INVALID', 'must be omitted: an engagement offer targets the product the customer engaged with', ['input', 'action', 'target']));
    }
  }
  return errors;
}

/** The action input with the stand-in product as target, so the rules parse and validate as a whole. */
export function withStandInTarget<T extends { type: string; target?: unknown }>(action: T): T {
  return { ...action, target: { kind: PRODUCT_STAND_IN.kind, ids: [...PRODUCT_STAND_IN.ids] } };
}

/** Stored rules: the template's own target is empty, as it names no product. */
export function templateRules(rules: StoredPromotionRules, trigger: OfferTrigger): StoredPromotionRules {
  const action = rules.action;
  const stored = trigger === 'ENGAGED_WITH_PRODUCT' && isProductAction(action) ? { ...action, target: { kind: 'PRODUCT' as const, ids: [] } } : action;
  return { ...rules, requiresCoupon: true, action: stored };
}

/** The template's rules as the engine checks them again on a change (its empty target stood in for). */
export function checkableTemplateRules(rules: StoredPromotionRules, trigger: OfferTrigger | null): StoredPromotionRules {
  if (trigger !== 'ENGAGED_WITH_PRODUCT' || !isProductAction(rules.action)) return rules;
  return { ...rules, action: { ...rules.action, target: PRODUCT_STAND_IN } };
}

/** The rules of one customer's copy: the template's, needing its code, aimed at the engaged product when there is one. */
export function issuedOfferRules(template: StoredPromotionRules, productId: string | null): StoredPromotionRules {
  const action = productId !== null && isProductAction(template.action) ? { ...template.action, target: { kind: 'PRODUCT' as const, ids: [productId] } } : template.action;
  return { ...template, requiresCoupon: true, action };
}

/** An offer lasts whole days from the instant it is issued. */
export function offerExpiry(issuedAt: Date, validForDays: number): Date {
  return new Date(issuedAt.getTime() + validForDays * DAY_MS);
}

export type OfferStatus = 'AVAILABLE' | 'USED' | 'EXPIRED';

/** Used beats expired: an offer redeemed in time stays USED after its date. */
export function offerStatus(offer: { expiresAt: Date }, uses: number, now: Date): OfferStatus {
  if (uses > 0) return 'USED';
  return offer.expiresAt.getTime() <= now.getTime() ? 'EXPIRED' : 'AVAILABLE';
}
