import { normalizeCouponCode } from './coupon-codes';
import { quantityMatching } from './line-targets';
import { NOT_APPLIED_REASON_CODES, type CartInput, type CouponState, type NotAppliedReason, type PromotionDefinition, type PromotionUsage } from './types';

export interface EligibilityContext {
  cart: CartInput;
  now: Date;
  subtotalMinor: number;
  /** Entered codes, normalized, duplicates dropped, in the order entered. */
  enteredCodes: readonly string[];
  couponStates: ReadonlyMap<string, CouponState>;
  usage: ReadonlyMap<string, PromotionUsage>;
}

export type Eligibility =
  | { eligible: true; couponCode: string | null; budgetLeftMinor: number | null }
  | { eligible: false; reasons: [NotAppliedReason, ...NotAppliedReason[]] };

const precedence = new Map<string, number>(NOT_APPLIED_REASON_CODES.map((code, i) => [code, i]));

/**
 * Everything about a promotion that does not depend on other promotions. Every failing check is
 * collected, not just the first, so a cashier or a support agent can name them all at once ("add
 * 12.00 and enter the code"); they are sorted so the most fundamental one comes first.
 */
export function checkEligibility(promotion: PromotionDefinition, ctx: EligibilityContext): Eligibility {
  const reasons: NotAppliedReason[] = [];
  const { cart, now } = ctx;

  if (promotion.status !== 'ACTIVE') reasons.push({ code: 'INACTIVE', status: promotion.status });
  if (promotion.currencyCode !== cart.currencyCode) reasons.push({ code: 'CURRENCY_MISMATCH', promotionCurrencyCode: promotion.currencyCode });
  if (promotion.startsAt && now.getTime() < promotion.startsAt.getTime()) reasons.push({ code: 'NOT_STARTED', startsAt: promotion.startsAt });
  if (promotion.endsAt && now.getTime() >= promotion.endsAt.getTime()) reasons.push({ code: 'ENDED', endedAt: promotion.endsAt });
  if (promotion.channels.length > 0 && !promotion.channels.includes(cart.channel)) {
    reasons.push({ code: 'NOT_IN_CHANNEL', channels: promotion.channels, couponCode: null });
  }
  if (promotion.locationIds.length > 0 && (cart.locationId === null || !promotion.locationIds.includes(cart.locationId))) {
    reasons.push({ code: 'NOT_AT_LOCATION', locationIds: promotion.locationIds });
  }

  const coupon = resolveCoupon(promotion, ctx);
  if (coupon.reason) reasons.push(coupon.reason);

  const used = ctx.usage.get(promotion.id);
  if (promotion.usageLimit !== null && (used?.totalUses ?? 0) >= promotion.usageLimit) {
    reasons.push({ code: 'USAGE_LIMIT_REACHED', limit: promotion.usageLimit });
  }
  if (promotion.usageLimitPerCustomer !== null && (used?.customerUses ?? 0) >= promotion.usageLimitPerCustomer) {
    reasons.push({ code: 'CUSTOMER_USAGE_LIMIT_REACHED', limit: promotion.usageLimitPerCustomer });
  }
  const budgetLeftMinor = promotion.budgetMinor === null ? null : promotion.budgetMinor - (used?.budgetSpentMinor ?? 0);
  if (promotion.budgetMinor !== null && budgetLeftMinor !== null && budgetLeftMinor <= 0) {
    reasons.push({ code: 'BUDGET_EXHAUSTED', budgetMinor: promotion.budgetMinor });
  }

  for (const condition of promotion.conditions) {
    switch (condition.type) {
      case 'MIN_SUBTOTAL':
        if (ctx.subtotalMinor < condition.amountMinor) reasons.push({ code: 'MIN_SUBTOTAL_NOT_MET', missingMinor: condition.amountMinor - ctx.subtotalMinor });
        break;
      case 'CART_CONTAINS': {
        const have = quantityMatching(cart.lines, condition.target);
        if (have < condition.minQuantity) {
          reasons.push({ code: 'PRODUCTS_NOT_IN_CART', missing: [{ target: condition.target, quantityMissing: condition.minQuantity - have }] });
        }
        break;
      }
      case 'CUSTOMER_SEGMENT':
        if (!condition.segments.some((segment) => cart.customerSegments.includes(segment))) {
          reasons.push({ code: 'NOT_IN_SEGMENT', segments: condition.segments });
        }
        break;
    }
  }

  if (reasons.length === 0) return { eligible: true, couponCode: coupon.code, budgetLeftMinor };
  const merged = mergeReasons(reasons);
  return { eligible: false, reasons: merged as [NotAppliedReason, ...NotAppliedReason[]] };
}

/** One entry per code: several MIN_SUBTOTAL conditions report the largest gap, missing products are listed together. */
function mergeReasons(reasons: NotAppliedReason[]): NotAppliedReason[] {
  const byCode = new Map<string, NotAppliedReason>();
  for (const reason of reasons) {
    const seen = byCode.get(reason.code);
    if (!seen) byCode.set(reason.code, reason);
    else if (seen.code === 'MIN_SUBTOTAL_NOT_MET' && reason.code === 'MIN_SUBTOTAL_NOT_MET') {
      byCode.set(reason.code, { code: 'MIN_SUBTOTAL_NOT_MET', missingMinor: Math.max(seen.missingMinor, reason.missingMinor) });
    } else if (seen.code === 'PRODUCTS_NOT_IN_CART' && reason.code === 'PRODUCTS_NOT_IN_CART') {
      byCode.set(reason.code, { code: 'PRODUCTS_NOT_IN_CART', missing: [...seen.missing, ...reason.missing] });
    }
  }
  return [...byCode.values()].sort((a, b) => precedence.get(a.code)! - precedence.get(b.code)!);
}

/**
 * A code unlocks the promotion it names when storage says it is VALID. A promotion that does not
 * require a code still records a valid code entered for it, so the cart can show the code as used.
 * When nothing valid was entered, the explanation names the most useful thing to say: the code the
 * shopper typed for this promotion and what is wrong with it, else a code nobody knows, else that a
 * code is required.
 */
function resolveCoupon(promotion: PromotionDefinition, ctx: EligibilityContext): { code: string | null; reason: NotAppliedReason | null } {
  let forThisPromotion: { code: string; state: CouponState } | null = null;
  let unknownCode: string | null = null;
  for (const code of ctx.enteredCodes) {
    const state = ctx.couponStates.get(code) ?? { status: 'UNKNOWN' as const };
    if (state.status === 'UNKNOWN') {
      unknownCode ??= code;
      continue;
    }
    if (state.promotionId !== promotion.id) continue;
    if (state.status === 'VALID') return { code, reason: null };
    forThisPromotion ??= { code, state };
  }
  if (!promotion.requiresCoupon) return { code: null, reason: null };
  if (forThisPromotion) {
    const { code, state } = forThisPromotion;
    switch (state.status) {
      case 'EXPIRED':
        return { code: null, reason: { code: 'COUPON_EXPIRED', couponCode: code } };
      case 'USED_UP':
        return { code: null, reason: { code: 'COUPON_USED_UP', couponCode: code } };
      case 'NOT_YOURS':
        return { code: null, reason: { code: 'COUPON_NOT_YOURS', couponCode: code } };
      case 'OTHER_CHANNEL':
        return { code: null, reason: { code: 'NOT_IN_CHANNEL', channels: promotion.channels, couponCode: code } };
    }
  }
  if (unknownCode !== null) return { code: null, reason: { code: 'COUPON_UNKNOWN', couponCode: unknownCode } };
  return { code: null, reason: { code: 'COUPON_REQUIRED' } };
}

export function normalizedEnteredCodes(codes: readonly string[]): string[] {
  const seen = new Set<string>();
  for (const code of codes) {
    const normalized = normalizeCouponCode(code);
    if (normalized !== '') seen.add(normalized);
  }
  return [...seen];
}
