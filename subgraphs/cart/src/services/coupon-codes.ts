import { fail, succeed, userError, type Outcome } from '@omni/graphql';
import { MAX_COUPON_CODES } from '../db/schema';
import type { CouponCheck, CouponRefusal } from './coupon-check';

/**
 * Pure rules of the coupon codes a cart carries. Whether a code unlocks anything is for the
 * promotions subgraph to say; the cart keeps well-formed codes it did not refuse.
 */

/** Longest code a cart takes; codes are short tokens people type at a till or paste from a mail. */
export const MAX_COUPON_CODE_LENGTH = 64;
const COUPON_CODE = /^[A-Z0-9_-]+$/;
const CODE_FIELD = ['input', 'code'];

/** Codes compare case-insensitively: "summer-10 " and "SUMMER-10" are one code. */
export function normalizeCouponCode(raw: string): Outcome<string> {
  const code = raw.trim().toUpperCase();
  if (code.length < 1 || code.length > MAX_COUPON_CODE_LENGTH || !COUPON_CODE.test(code)) {
    return fail(userError('INVALID', `A coupon code is 1 to ${MAX_COUPON_CODE_LENGTH} letters, digits, "-" or "_"`, CODE_FIELD));
  }
  return succeed(code);
}

/** The codes after applying `code`; null when the cart already carries it (nothing to change). */
export function planCouponApply(current: readonly string[], code: string): Outcome<string[] | null> {
  if (current.includes(code)) return succeed(null);
  if (current.length >= MAX_COUPON_CODES) {
    return fail(userError('INVALID', `A cart carries at most ${MAX_COUPON_CODES} coupon codes; remove one first`, CODE_FIELD));
  }
  return succeed([...current, code]);
}

export function planCouponRemoval(current: readonly string[], code: string): Outcome<string[]> {
  if (!current.includes(code)) return fail(userError('NOT_FOUND', 'The cart does not carry this coupon code', CODE_FIELD));
  return succeed(current.filter((entered) => entered !== code));
}

/**
 * Codes of a cart that takes over another's lines (guest cart on sign-in, customer merge): its own
 * first, then the other cart's it does not carry yet, up to the limit, so the shopper's codes travel
 * with the one cart. Returns the codes kept and those left out.
 */
export function mergeCouponCodes(target: readonly string[], source: readonly string[]): { kept: string[]; dropped: string[] } {
  const kept = [...target];
  const dropped: string[] = [];
  for (const code of source) {
    if (kept.includes(code)) continue;
    if (kept.length < MAX_COUPON_CODES) kept.push(code);
    else dropped.push(code);
  }
  return { kept, dropped };
}

const REFUSAL_MESSAGES: Record<CouponRefusal, string> = {
  COUPON_UNKNOWN: 'This coupon code does not exist; check how it was typed',
  COUPON_EXPIRED: 'This coupon code has expired',
  COUPON_NOT_ACTIVE: 'This coupon code is not valid yet',
  COUPON_NOT_IN_CHANNEL: 'This coupon code is not valid for this cart',
  COUPON_USED_UP: 'This coupon code has been used as often as it may',
  COUPON_NOT_YOURS: 'This code is a personal offer for another customer',
};

/** A refused code as the user error a cashier reads out; the date of a later start in UTC, which every till can parse. */
export function couponRefusalError(check: CouponCheck & { refusal: CouponRefusal }) {
  const startsOn = check.refusal === 'COUPON_NOT_ACTIVE' && check.startsAt ? `; it starts on ${check.startsAt.toISOString().slice(0, 16).replace('T', ' ')} UTC` : '';
  return userError(check.refusal, `${REFUSAL_MESSAGES[check.refusal]}${startsOn}`, CODE_FIELD);
}
