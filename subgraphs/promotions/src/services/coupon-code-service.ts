import { randomInt } from 'node:crypto';
import { z } from 'zod';
import { newId } from '@omni/db';
import { fail, isIdKey, pageRequest, requireScope, succeed, toConnection, userError, type Connection, type ConnectionArgs, type Outcome, type UserError } from '@omni/graphql';
import type { PromotionsContext } from '../context';
import { findCouponCodes, insertCouponCodes, type NewCouponCodeRow } from '../db/coupon-queries';
import type { CouponCodeRow, PromotionRow } from '../db/schema';
import { normalizeCouponCode } from './engine';

export const MAX_CODES_PER_CALL = 1000;
const CODE_PATTERN = /^[A-Z0-9_-]{1,64}$/;
/** Crockford's alphabet: no I, L, O or U, so a code read out over the phone is not misheard. */
const GENERATED_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
/** 10 characters of 32: 2^50 codes, so guessing one of a batch of 1000 takes about 10^12 tries. */
const GENERATED_LENGTH = 10;

const createCouponCodesInput = z.object({
  promotionId: z.string().min(1, 'must not be empty'),
  codes: z.array(z.string()).max(MAX_CODES_PER_CALL, `must list at most ${MAX_CODES_PER_CALL} codes`).nullish(),
  generate: z
    .object({
      count: z.number().int().min(1, `must be from 1 to ${MAX_CODES_PER_CALL}`).max(MAX_CODES_PER_CALL, `must be from 1 to ${MAX_CODES_PER_CALL}`),
      prefix: z.string().nullish(),
    })
    .nullish(),
  usageLimitPerCode: z.number().int().min(1, 'must be from 1 to 1000000').max(1_000_000, 'must be from 1 to 1000000').nullish(),
  expiresAt: z.date().nullish(),
});
export type CreateCouponCodesInput = z.input<typeof createCouponCodesInput>;

export function generatedCode(prefix: string): string {
  let body = '';
  for (let i = 0; i < GENERATED_LENGTH; i += 1) body += GENERATED_ALPHABET[randomInt(GENERATED_ALPHABET.length)];
  return `${prefix}${body}`;
}

/**
 * Adds codes to a promotion: the given ones (trimmed, upper-cased, each unique over every
 * promotion) and/or `generate.count` random ones after `generate.prefix`, which are single-use
 * unless `usageLimitPerCode` says otherwise. All or nothing: a code taken or malformed refuses the
 * whole call, pointed at that code.
 */
export async function createCouponCodes(ctx: PromotionsContext, rawInput: CreateCouponCodesInput): Promise<Outcome<CouponCodeRow[]>> {
  requireScope(ctx.caller, 'promotions:write');
  const parsed = createCouponCodesInput.safeParse(rawInput);
  if (!parsed.success) return fail(...parsed.error.issues.map((issue) => userError('INVALID', issue.message, ['input', ...issue.path.map(String)])));
  const input = parsed.data;
  const errors: UserError[] = [];
  const given = (input.codes ?? []).map(normalizeCouponCode);
  if (given.length === 0 && !input.generate) errors.push(userError('INVALID', 'give codes, or generate some', ['input', 'codes']));
  const seen = new Set<string>();
  given.forEach((code, i) => {
    if (!CODE_PATTERN.test(code)) errors.push(userError('INVALID', 'must be 1 to 64 letters, digits, "-" or "_"', ['input', 'codes', String(i)]));
    else if (seen.has(code)) errors.push(userError('INVALID', 'is listed twice', ['input', 'codes', String(i)]));
    seen.add(code);
  });
  const prefix = normalizeCouponCode(input.generate?.prefix ?? '');
  if (input.generate && !/^[A-Z0-9_-]{0,20}$/.test(prefix)) errors.push(userError('INVALID', 'must be at most 20 letters, digits, "-" or "_"', ['input', 'generate', 'prefix']));
  if (given.length + (input.generate?.count ?? 0) > MAX_CODES_PER_CALL) errors.push(userError('INVALID', `at most ${MAX_CODES_PER_CALL} codes per call`, ['input', 'generate', 'count']));
  if (errors.length > 0) return fail(...errors);

  const promotion = await ctx.loaders.promotionById.load(input.promotionId);
  if (!promotion) return fail(userError('NOT_FOUND', 'No such promotion', ['input', 'promotionId']));
  if (promotion.status === 'ARCHIVED') return fail(userError('INVALID_STATE', 'An archived promotion takes no new codes', ['input', 'promotionId']));
  // Their codes are issued one per customer (see offer-issuing-service); a shared code would make a template apply to anyone.
  if (promotion.offerTrigger || promotion.ownerCustomerId) return fail(userError('INVALID_STATE', 'A personal offer gets its codes when it is issued, one per customer', ['input', 'promotionId']));

  const taken = given.length > 0 ? new Set((await findCouponCodes(ctx.db, given)).map((row) => row.code)) : new Set<string>();
  given.forEach((code, i) => {
    if (taken.has(code)) errors.push(userError('INVALID', 'is already in use', ['input', 'codes', String(i)]));
  });
  if (errors.length > 0) return fail(...errors);

  const row = (code: string, usageLimit: number | null): NewCouponCodeRow => ({
    id: newId('cpn'),
    promotionId: promotion.id,
    code,
    usageLimit,
    expiresAt: input.expiresAt ?? null,
  });
  return ctx.db.transaction(async (tx) => {
    const inserted = await insertCouponCodes(tx, given.map((code) => row(code, input.usageLimitPerCode ?? null)));
    // A code someone took between the check and the insert: refuse the whole call.
    if (inserted.length < given.length) throw new CodeTakenError();
    // Generated codes that collide (rare) are drawn again; the unique index is the judge.
    let missing = input.generate?.count ?? 0;
    for (let attempt = 0; missing > 0 && attempt < 5; attempt += 1) {
      const fresh = [...new Set(Array.from({ length: missing }, () => generatedCode(prefix)))];
      const added = await insertCouponCodes(tx, fresh.map((code) => row(code, input.usageLimitPerCode ?? 1)));
      inserted.push(...added);
      missing -= added.length;
    }
    if (missing > 0) throw new Error('Could not draw enough free coupon codes');
    return succeed(inserted);
  }).catch((error: unknown) => {
    if (error instanceof CodeTakenError) return fail(userError('INVALID', 'A code was taken meanwhile; try again', ['input', 'codes']));
    throw error;
  });
}

class CodeTakenError extends Error {}

/** A promotion's codes, oldest first. Codes are secrets that give money away: admins only. */
export async function listCouponCodesPage(ctx: PromotionsContext, promotion: PromotionRow, args: ConnectionArgs): Promise<Connection<CouponCodeRow>> {
  requireScope(ctx.caller, 'promotions:write');
  const page = pageRequest(args, isIdKey);
  const rows = await ctx.loaders.couponCodePagesByPromotionId.load(promotion.id, page);
  return toConnection(rows, page, (row) => row.id);
}
