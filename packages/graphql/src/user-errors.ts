/** Expected failures returned in mutation payloads (see UserError in common.graphql). */
export const USER_ERROR_CODES = [
  'INVALID',
  'NOT_FOUND',
  'FORBIDDEN',
  'VERSION_CONFLICT',
  'OUT_OF_STOCK',
  'IDEMPOTENCY_KEY_REUSED',
  'INVALID_STATE',
  'RATE_LIMITED',
  'PRICING_UNAVAILABLE',
  'PROMOTION_UNAVAILABLE',
  'DELIVERY_FAILED',
  'INSUFFICIENT_POINTS',
  'POINTS_EXCEED_TOTAL',
  'LOYALTY_UNAVAILABLE',
  'COUPON_NOT_YOURS',
  'COUPON_UNKNOWN',
  'COUPON_EXPIRED',
  'COUPON_NOT_ACTIVE',
  'COUPON_NOT_IN_CHANNEL',
  'COUPON_USED_UP',
] as const;
export type UserErrorCode = (typeof USER_ERROR_CODES)[number];

export interface UserError {
  code: UserErrorCode;
  message: string;
  field?: string[];
}

export function userError(code: UserErrorCode, message: string, field?: (string | number)[]): UserError {
  return { code, message, ...(field ? { field: field.map(String) } : {}) };
}

/**
 * What a service returns from a change: the result, or the expected failures that stopped it.
 * Resolvers map it straight onto `{ <entity>, userErrors }` payloads.
 */
export type Outcome<T> = { ok: true; value: T } | { ok: false; userErrors: UserError[] };

export const succeed = <T>(value: T): Outcome<T> => ({ ok: true, value });
export const fail = (...userErrors: UserError[]): Outcome<never> => ({ ok: false, userErrors });

/** Turns zod issues into UserErrors pointing at the offending input field. */
export function userErrorsFromIssues(
  issues: readonly { path: readonly PropertyKey[]; message: string }[],
  root: string[] = ['input'],
): UserError[] {
  return issues.map((issue) =>
    userError('INVALID', issue.message, [...root, ...issue.path.map((segment) => String(segment))]),
  );
}
