import { z } from 'zod';
import { newId } from '@omni/db';
import {
  fail,
  isCurrencyCode,
  isIdKey,
  MoneyFormatError,
  pageRequest,
  requireScope,
  succeed,
  toConnection,
  toMinorUnits,
  userError,
  userErrorsFromIssues,
  type Connection,
  type ConnectionArgs,
  type Outcome,
  type UserError,
} from '@omni/graphql';
import type { PromotionsContext } from '../context';
import { findPromotionsByIds, insertPromotion, listPromotions, updatePromotionStatus, type PromotionListFilter } from '../db/promotion-queries';
import { OFFER_TRIGGERS, PROMOTION_KINDS, PROMOTION_STATUSES, type NewPromotionRow, type PromotionRow } from '../db/schema';
import { columnsOfRules, legacyRules } from './promotion-definitions';
import { channelsInput, COMBINES_WITH_EVERYTHING } from './promotion-rules-input';
import { resolveRules, type RulesInput } from './promotion-rules-service';
import { activeTemplateConflict, isActiveTemplateClash, storedTemplateRules, templateRulesInput } from './offer-template-service';
import { MAX_OFFER_VALID_DAYS } from './personal-offer-rules';

/**
 * Promotions are public marketing terms without personal data: every shopper-facing caller may
 * read them. Partner keys may not: they read the catalog and nothing else.
 */
export function getPromotion(ctx: PromotionsContext, id: string): Promise<PromotionRow | null> {
  requireScope(ctx.caller, 'storefront:read');
  return ctx.loaders.promotionById.load(id);
}

export async function listPromotionsPage(
  ctx: PromotionsContext,
  args: ConnectionArgs & { filter?: PromotionListFilter | null },
): Promise<Connection<PromotionRow>> {
  requireScope(ctx.caller, 'storefront:read');
  const page = pageRequest(args, isIdKey);
  const rows = await listPromotions(ctx.db, args.filter ?? {}, page);
  for (const row of rows) ctx.loaders.promotionById.prime(row.id, row);
  return toConnection(rows, page, (row) => row.id);
}

const createPromotionInput = z.object({
  name: z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters'),
  description: z.string().trim().max(2000, 'must be at most 2000 characters').nullish(),
  kind: z.enum(PROMOTION_KINDS).nullish(),
  currencyCode: z.string().refine(isCurrencyCode, 'must be an ISO 4217 currency code such as "EUR"'),
  percentOff: z.number().int().min(1, 'must be between 1 and 100').max(100, 'must be between 1 and 100').nullish(),
  amountOff: z.string().nullish(),
  minimumSubtotal: z.string().nullish(),
  channels: channelsInput,
  startsAt: z.date().nullish(),
  endsAt: z.date().nullish(),
  status: z.enum(['ACTIVE', 'PAUSED'], 'must be ACTIVE or PAUSED for a new promotion').nullish(),
  usageLimit: z.number().int().min(1, 'must be a positive whole number').max(2_147_483_647, 'is too large').nullish(),
  usageLimitPerCustomer: z.number().int().min(1, 'must be a positive whole number').max(2_147_483_647, 'is too large').nullish(),
  budget: z.string().nullish(),
  personalOffer: z
    .object({
      trigger: z.enum(OFFER_TRIGGERS),
      validForDays: z
        .number()
        .int('must be a whole number of days')
        .min(1, `must be from 1 to ${MAX_OFFER_VALID_DAYS} days`)
        .max(MAX_OFFER_VALID_DAYS, `must be from 1 to ${MAX_OFFER_VALID_DAYS} days`),
    })
    .nullish(),
});

export type CreatePromotionInput = z.input<typeof createPromotionInput> & RulesInput;
type ParsedCreatePromotionInput = z.output<typeof createPromotionInput>;

function parseAmount(
  amount: string,
  currencyCode: string,
  field: string,
  rule: { positive: boolean },
): { minor: number } | { error: UserError } {
  try {
    const minor = toMinorUnits(amount, currencyCode);
    if (rule.positive ? minor <= 0 : minor < 0) {
      return { error: userError('INVALID', rule.positive ? 'must be greater than zero' : 'must not be negative', ['input', field]) };
    }
    return { minor };
  } catch (error) {
    if (error instanceof MoneyFormatError) return { error: userError('INVALID', error.message, ['input', field]) };
    throw error;
  }
}

/** Rules that tie fields together; reported all at once so a form can show every problem. */
function toPromotionValues(input: ParsedCreatePromotionInput & Pick<RulesInput, 'action'>): Outcome<Omit<NewPromotionRow, 'id'>> {
  const errors: UserError[] = [];
  let percentOff: number | null = null;
  let amountOffMinor: number | null = null;
  let minimumSubtotalMinor: number | null = null;

  if (input.action) {
    // The action says what the promotion gives; kind and its values would say it twice.
    for (const field of ['kind', 'percentOff', 'amountOff'] as const) {
      if (input[field] != null) errors.push(userError('INVALID', 'must be omitted when action is given', ['input', field]));
    }
  } else if (input.kind == null) {
    errors.push(userError('INVALID', 'is required unless action is given', ['input', 'kind']));
  } else if (input.kind !== 'PERCENTAGE_OFF_ORDER' && input.kind !== 'FIXED_AMOUNT_OFF_ORDER') {
    errors.push(userError('INVALID', 'give action for this kind', ['input', 'kind']));
  } else if (input.kind === 'PERCENTAGE_OFF_ORDER') {
    if (input.percentOff == null) errors.push(userError('INVALID', 'is required for a percentage promotion', ['input', 'percentOff']));
    else percentOff = input.percentOff;
    if (input.amountOff != null) errors.push(userError('INVALID', 'must be omitted for a percentage promotion', ['input', 'amountOff']));
  } else {
    if (input.amountOff == null) errors.push(userError('INVALID', 'is required for a fixed amount promotion', ['input', 'amountOff']));
    else {
      const parsed = parseAmount(input.amountOff, input.currencyCode, 'amountOff', { positive: true });
      if ('error' in parsed) errors.push(parsed.error);
      else amountOffMinor = parsed.minor;
    }
    if (input.percentOff != null) errors.push(userError('INVALID', 'must be omitted for a fixed amount promotion', ['input', 'percentOff']));
  }
  if (input.minimumSubtotal != null) {
    const parsed = parseAmount(input.minimumSubtotal, input.currencyCode, 'minimumSubtotal', { positive: false });
    if ('error' in parsed) errors.push(parsed.error);
    else minimumSubtotalMinor = parsed.minor;
  }
  let budgetMinor: number | null = null;
  if (input.budget != null) {
    const parsed = parseAmount(input.budget, input.currencyCode, 'budget', { positive: true });
    if ('error' in parsed) errors.push(parsed.error);
    else budgetMinor = parsed.minor;
  }
  if (input.startsAt && input.endsAt && input.endsAt.getTime() <= input.startsAt.getTime()) {
    errors.push(userError('INVALID', 'must be after startsAt', ['input', 'endsAt']));
  }
  if (errors.length > 0) return fail(...errors);

  const now = new Date();
  return succeed({
    name: input.name,
    description: input.description || null,
    // With an action the kind is the action's; `columnsOfRules` sets it once the rules are known.
    kind: input.kind ?? 'PERCENTAGE_OFF_ORDER',
    percentOff,
    amountOffMinor,
    minimumSubtotalMinor,
    currencyCode: input.currencyCode,
    channels: input.channels ?? [],
    startsAt: input.startsAt ?? null,
    endsAt: input.endsAt ?? null,
    status: input.status ?? 'ACTIVE',
    usageLimit: input.usageLimit ?? null,
    usageLimitPerCustomer: input.usageLimitPerCustomer ?? null,
    budgetMinor,
    createdAt: now,
    updatedAt: now,
  });
}

export async function createPromotion(ctx: PromotionsContext, rawInput: CreatePromotionInput): Promise<Outcome<PromotionRow>> {
  requireScope(ctx.caller, 'promotions:write');
  const parsed = createPromotionInput.safeParse(rawInput);
  if (!parsed.success) return fail(...userErrorsFromIssues(parsed.error.issues));
  const values = toPromotionValues({ ...parsed.data, action: rawInput.action });
  if (!values.ok) return values;
  const template = parsed.data.personalOffer ?? null;
  const rulesInput = template ? templateRulesInput(template, rawInput, null) : succeed<RulesInput>(rawInput);
  if (!rulesInput.ok) return rulesInput;
  const resolved = await rulesOfNewPromotion(ctx, values.value, rulesInput.value);
  if (!resolved.ok) return resolved;
  const rules = template ? storedTemplateRules(resolved.value, template.trigger) : resolved.value;
  if (template && values.value.status === 'ACTIVE') {
    const conflict = await activeTemplateConflict(ctx, template.trigger, null, ['input', 'personalOffer', 'trigger']);
    if (conflict) return fail(conflict);
  }

  try {
    const created = await insertPromotion(ctx.db, {
      id: newId('promo'),
      ...values.value,
      rules,
      ...columnsOfRules(rules),
      offerTrigger: template?.trigger ?? null,
      offerValidDays: template?.validForDays ?? null,
    });
    ctx.loaders.promotionById.prime(created.id, created);
    return succeed(created);
  } catch (error) {
    if (template && isActiveTemplateClash(error)) {
      return fail(userError('INVALID_STATE', `Another ${template.trigger} offer template became active meanwhile`, ['input', 'personalOffer', 'trigger']));
    }
    throw error;
  }
}

const setPromotionStatusInput = z.object({
  promotionId: z.string().min(1, 'must not be empty'),
  status: z.enum(PROMOTION_STATUSES),
});

export type SetPromotionStatusInput = z.input<typeof setPromotionStatusInput>;

export async function setPromotionStatus(ctx: PromotionsContext, rawInput: SetPromotionStatusInput): Promise<Outcome<PromotionRow>> {
  requireScope(ctx.caller, 'promotions:write');
  const parsed = setPromotionStatusInput.safeParse(rawInput);
  if (!parsed.success) return fail(...userErrorsFromIssues(parsed.error.issues));
  const { promotionId, status } = parsed.data;

  const [current] = await findPromotionsByIds(ctx.db, [promotionId]);
  if (current?.ownerCustomerId) return fail(userError('INVALID_STATE', "A personal offer's promotion follows its offer and cannot change status", ['input', 'promotionId']));
  const trigger = current?.offerTrigger ?? null;
  if (trigger && status === 'ACTIVE') {
    const conflict = await activeTemplateConflict(ctx, trigger, promotionId, ['input', 'status']);
    if (conflict) return fail(conflict);
  }
  const updated = await updatePromotionStatus(ctx.db, promotionId, status).catch(async (error: unknown) => {
    if (trigger && isActiveTemplateClash(error)) return null;
    throw error;
  });
  if (!updated && trigger && status === 'ACTIVE') {
    const conflict = await activeTemplateConflict(ctx, trigger, promotionId, ['input', 'status']);
    if (conflict) return fail(conflict);
  }
  if (!updated) {
    const [existing] = await findPromotionsByIds(ctx.db, [promotionId]);
    if (!existing) return fail(userError('NOT_FOUND', 'No such promotion', ['input', 'promotionId']));
    return fail(userError('INVALID_STATE', 'An archived promotion cannot change status', ['input', 'status']));
  }
  ctx.loaders.promotionById.clear(promotionId).prime(promotionId, updated);
  return succeed(updated);
}

/**
 * The rules a new promotion is saved with: the action given, or the one its kind and value stand
 * for, and its `minimumSubtotal` as a condition after the conditions given. Without `stacking` it
 * combines with every other promotion, as promotions always have.
 */
function rulesOfNewPromotion(ctx: PromotionsContext, values: Omit<NewPromotionRow, 'id'>, input: RulesInput) {
  const minimum = values.minimumSubtotalMinor ?? null;
  const base = values.percentOff != null || values.amountOffMinor != null ? legacyRules({ ...values, minimumSubtotalMinor: null, percentOff: values.percentOff ?? null, amountOffMinor: values.amountOffMinor ?? null }) : null;
  const scope = {
    id: 'promo_new',
    name: values.name,
    status: values.status,
    currencyCode: values.currencyCode,
    channels: values.channels ?? [],
    startsAt: values.startsAt ?? null,
    endsAt: values.endsAt ?? null,
    usageLimit: values.usageLimit ?? null,
    usageLimitPerCustomer: values.usageLimitPerCustomer ?? null,
    budgetMinor: values.budgetMinor ?? null,
  };
  return resolveRules(
    ctx,
    scope,
    base ?? { priority: 0, locationIds: [], requiresCoupon: false, conditions: [], action: { type: 'FREE_SHIPPING' }, stacking: COMBINES_WITH_EVERYTHING },
    input,
    minimum === null ? [] : [{ type: 'MIN_SUBTOTAL', amountMinor: minimum }],
  );
}
