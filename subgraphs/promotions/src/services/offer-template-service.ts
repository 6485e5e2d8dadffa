import { isUniqueViolation } from '@omni/db';
import { fail, succeed, userError, type Outcome, type UserError } from '@omni/graphql';
import type { PromotionsContext } from '../context';
import { findOtherActiveTemplate } from '../db/offer-queries';
import type { OfferTrigger } from '../db/schema';
import type { PromotionAction } from './engine';
import type { StoredPromotionRules } from './engine/stored-rules';
import { checkableTemplateRules, offerTemplateProblems, templateRules, withStandInTarget, type OfferTemplateInput } from './personal-offer-rules';
import type { RulesInput } from './promotion-rules-service';

/**
 * Rules input of a template as the shared rule parsing takes it: it always needs its code, and an
 * engagement template's action gets the stand-in product (it names none). Problems particular to
 * templates come back first; the caller stops on them.
 */
export function templateRulesInput(template: OfferTemplateInput, input: RulesInput, currentAction: PromotionAction | null): Outcome<RulesInput> {
  const problems = offerTemplateProblems(template, input, currentAction);
  if (problems.length > 0) return fail(...problems);
  const action = template.trigger === 'ENGAGED_WITH_PRODUCT' && input.action ? withStandInTarget(input.action) : input.action;
  return succeed({ ...input, requiresCoupon: true, action });
}

/** The rules a template is stored with, from the rules the shared parsing resolved. */
export const storedTemplateRules = (rules: StoredPromotionRules, trigger: OfferTrigger) => templateRules(rules, trigger);

/** A stored template's rules as the shared parsing takes them as a base for a change. */
export const templateBaseRules = checkableTemplateRules;

/** At most one active template per trigger: a second one is refused with the one in the way named. */
export async function activeTemplateConflict(ctx: PromotionsContext, trigger: OfferTrigger, exceptId: string | null, field: string[]): Promise<UserError | null> {
  const other = await findOtherActiveTemplate(ctx.db, trigger, exceptId);
  if (!other) return null;
  return userError('INVALID_STATE', `"${other.name}" (${other.id}) is already the active ${trigger} offer template; pause or archive it first`, field);
}

/** Postgres refused a second active template (two admins at once); the unique index is the judge. */
export function isActiveTemplateClash(error: unknown): boolean {
  return isUniqueViolation(error, 'promotions_active_offer_trigger_key');
}
