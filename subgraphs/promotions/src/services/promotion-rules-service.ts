import { isIdOf } from '@omni/db';
import { fail, requireScope, succeed, userError, type Outcome, type UserError } from '@omni/graphql';
import { z } from 'zod';
import type { PromotionsContext } from '../context';
import { findPromotionsByIds, updatePromotionRules } from '../db/promotion-queries';
import type { PromotionRow } from '../db/schema';
import { unitPriceKey } from '../loaders';
import { validatePromotionDefinition, type BundleItem, type PromotionDefinition } from './engine';
import type { StoredPromotionRules } from './engine/stored-rules';
import { columnsOfRules, legacyRules, toPromotionDefinition } from './promotion-definitions';
import { storedTemplateRules, templateBaseRules, templateRulesInput } from './offer-template-service';
import {
  channelsInput,
  parseAction,
  parseConditions,
  parseStacking,
  problemErrors,
  RulesInputCollector,
  type PromotionActionInput,
  type PromotionConditionInput,
  type PromotionStackingInput,
} from './promotion-rules-input';

/** The rule fields of `createPromotion` and `updatePromotion`; omitted ones keep their value. */
export interface RulesInput {
  priority?: number | null;
  locationIds?: readonly string[] | null;
  requiresCoupon?: boolean | null;
  conditions?: readonly PromotionConditionInput[] | null;
  action?: PromotionActionInput | null;
  stacking?: PromotionStackingInput | null;
}

export function hasRulesInput(input: RulesInput): boolean {
  return [input.priority, input.locationIds, input.requiresCoupon, input.conditions, input.action, input.stacking].some((value) => value != null);
}

const MAX_CONDITIONS = 20;
const MAX_PRIORITY = 1_000_000;
const MAX_LOCATIONS = 100;
const MAX_TARGET_IDS = 250;

/**
 * The rules a promotion will be saved with: `base` overlaid with what `input` gives, then checked
 * as a whole by the engine's `validatePromotionDefinition` (a gift's variant is asked of the
 * catalog). `extraConditions` are conditions from other inputs (`minimumSubtotal`), kept after
 * the given ones. Every problem comes back pointed at its input field, all at once.
 */
export async function resolveRules(
  ctx: PromotionsContext,
  scope: Omit<PromotionDefinition, 'priority' | 'locationIds' | 'requiresCoupon' | 'conditions' | 'action' | 'stacking'>,
  base: StoredPromotionRules,
  input: RulesInput,
  extraConditions: StoredPromotionRules['conditions'] = [],
): Promise<Outcome<StoredPromotionRules>> {
  const out = new RulesInputCollector();
  const errors: UserError[] = out.errors;
  if (input.priority != null && (!Number.isSafeInteger(input.priority) || input.priority < 0 || input.priority > MAX_PRIORITY)) {
    errors.push(userError('INVALID', `must be a whole number from 0 to ${MAX_PRIORITY}`, ['input', 'priority']));
  }
  if ((input.locationIds?.length ?? 0) > MAX_LOCATIONS) errors.push(userError('INVALID', `must list at most ${MAX_LOCATIONS} stores`, ['input', 'locationIds']));
  input.locationIds?.forEach((locationId, i) => {
    if (!isIdOf('loc', locationId)) errors.push(userError('INVALID', 'must be a store id, prefixed `loc_`', ['input', 'locationIds', String(i)]));
  });
  if ((input.conditions?.length ?? 0) > MAX_CONDITIONS) errors.push(userError('INVALID', `must list at most ${MAX_CONDITIONS} conditions`, ['input', 'conditions']));
  const targets = [...(input.conditions ?? []).map((condition) => condition.target), input.action?.target, ...(input.action?.items ?? []).map((item) => item.target)];
  if (targets.some((target) => (target?.ids.length ?? 0) > MAX_TARGET_IDS)) errors.push(userError('INVALID', `a target names at most ${MAX_TARGET_IDS} ids`, ['input']));
  const conditions = input.conditions ? parseConditions(input.conditions, scope.currencyCode, out) : base.conditions;
  const action = input.action ? parseAction(input.action, scope.currencyCode, out) : base.action;
  const stacking = input.stacking ? parseStacking(input.stacking, out) : base.stacking;
  if (errors.length > 0 || !action) return fail(...errors);

  const rules: StoredPromotionRules = {
    priority: input.priority ?? base.priority,
    locationIds: input.locationIds ? input.locationIds.map((id) => id.trim()) : base.locationIds,
    requiresCoupon: input.requiresCoupon ?? base.requiresCoupon,
    conditions: [...conditions, ...extraConditions],
    action,
    stacking,
  };
  const [giftVariant, bundlePrices] = await Promise.all([
    action.type === 'GIFT' && action.variantId !== '' ? ctx.loaders.variantFacts.load(action.variantId) : null,
    action.type === 'BUNDLE_FIXED_PRICE' ? bundleItemPrices(ctx, action.items, scope.currencyCode) : new Map<string, number>(),
  ]);
  const problems = validatePromotionDefinition(
    { ...scope, ...rules },
    { variantExists: (variantId) => variantId === giftVariant?.variantId, unitPriceMinorOf: (variantId) => bundlePrices.get(variantId) ?? null },
  );
  if (problems.length > 0) return fail(...problemErrors(problems, conditions.length));
  return succeed(rules);
}

/**
 * Catalog prices, in the promotion's currency, of the bundle components that name one variant:
 * the engine refuses a bundle price at or above what those items cost on their own. A component
 * naming products, categories or several variants has no single price, so the engine skips it.
 */
async function bundleItemPrices(ctx: PromotionsContext, items: readonly BundleItem[], currencyCode: string): Promise<Map<string, number>> {
  const variantIds = [...new Set(items.flatMap((item) => (item.target.kind === 'VARIANT' && item.target.ids.length === 1 ? item.target.ids : [])))];
  const prices = await ctx.loaders.unitPriceIn.loadMany(variantIds.map((variantId) => unitPriceKey(currencyCode, variantId)));
  const failed = prices.find((price) => price instanceof Error);
  if (failed) throw failed;
  return new Map(variantIds.flatMap((variantId, i) => (typeof prices[i] === 'number' ? [[variantId, prices[i]] as const] : [])));
}

const updatePromotionInput = z.object({
  promotionId: z.string().min(1, 'must not be empty'),
  name: z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters').nullish(),
  description: z.string().trim().max(2000, 'must be at most 2000 characters').nullish(),
  channels: channelsInput,
  startsAt: z.date().nullish(),
  endsAt: z.date().nullish(),
});

export type UpdatePromotionInput = z.input<typeof updatePromotionInput> & RulesInput;

/**
 * Changes a promotion's terms and rules; omitted fields keep their value, `conditions` replaces
 * all conditions. Effective for the next cart priced, in every channel. An archived promotion is
 * final and cannot change.
 */
export async function updatePromotion(ctx: PromotionsContext, rawInput: UpdatePromotionInput): Promise<Outcome<PromotionRow>> {
  requireScope(ctx.caller, 'promotions:write');
  const parsed = updatePromotionInput.safeParse(rawInput);
  if (!parsed.success) return fail(...parsed.error.issues.map((issue) => userError('INVALID', issue.message, ['input', ...issue.path.map(String)])));
  const input = parsed.data;
  const [row] = await findPromotionsByIds(ctx.db, [input.promotionId]);
  if (!row) return fail(userError('NOT_FOUND', 'No such promotion', ['input', 'promotionId']));
  if (row.status === 'ARCHIVED') return fail(userError('INVALID_STATE', 'An archived promotion cannot change', ['input', 'promotionId']));
  if (row.ownerCustomerId) return fail(userError('INVALID_STATE', "A personal offer's terms were set when it was issued; change its template instead", ['input', 'promotionId']));

  const current = toPromotionDefinition(row);
  const scope = {
    ...current,
    name: input.name ?? current.name,
    channels: input.channels ?? current.channels,
    startsAt: input.startsAt !== undefined ? input.startsAt : current.startsAt,
    endsAt: input.endsAt !== undefined ? input.endsAt : current.endsAt,
  };
  const template = row.offerTrigger && row.offerValidDays ? { trigger: row.offerTrigger, validForDays: row.offerValidDays } : null;
  const storedRules = row.rules ?? legacyRules(row);
  const rulesInput = template ? templateRulesInput(template, rawInput, storedRules.action) : succeed<RulesInput>(rawInput);
  if (!rulesInput.ok) return rulesInput;
  const resolved = await resolveRules(ctx, scope, templateBaseRules(storedRules, row.offerTrigger), rulesInput.value);
  if (!resolved.ok) return resolved;
  const rules = template ? storedTemplateRules(resolved.value, template.trigger) : resolved.value;

  const updated = await updatePromotionRules(ctx.db, row.id, {
    name: scope.name,
    description: input.description !== undefined ? input.description || null : row.description,
    channels: [...scope.channels],
    startsAt: scope.startsAt,
    endsAt: scope.endsAt,
    rules,
    ...columnsOfRules(rules),
  });
  if (!updated) return fail(userError('INVALID_STATE', 'An archived promotion cannot change', ['input', 'promotionId']));
  ctx.loaders.promotionById.clear(row.id).prime(row.id, updated);
  return succeed(updated);
}
