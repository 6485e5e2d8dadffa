import { toMoney } from '@omni/graphql';
import type { NotAppliedReason } from './engine';

/**
 * One sentence per reason a promotion does not apply, for a cashier or an agent to read out. The
 * structured fields travel beside it; the sentence is for people, not for programs.
 */
export function reasonMessage(reason: NotAppliedReason, currencyCode: string, promotionName: (id: string) => string): string {
  const money = (minor: number) => {
    const { amount, currencyCode: code } = toMoney(minor, currencyCode);
    return `${amount} ${code}`;
  };
  switch (reason.code) {
    case 'INACTIVE':
      return `The promotion is not running (${reason.status.toLowerCase()}).`;
    case 'CURRENCY_MISMATCH':
      return `The promotion is for carts in ${reason.promotionCurrencyCode}.`;
    case 'NOT_STARTED':
      return `The promotion starts at ${reason.startsAt.toISOString()}.`;
    case 'ENDED':
      return `The promotion ended at ${reason.endedAt.toISOString()}.`;
    case 'NOT_IN_CHANNEL':
      return `The promotion runs only in ${reason.channels.join(', ')}.`;
    case 'NOT_AT_LOCATION':
      return 'The promotion runs only at certain stores.';
    case 'NOT_IN_SEGMENT':
      return `The promotion is only for customers in ${reason.segments.join(', ')}.`;
    case 'COUPON_REQUIRED':
      return 'The promotion needs a coupon code.';
    case 'COUPON_UNKNOWN':
      return `The code ${reason.couponCode} does not exist.`;
    case 'COUPON_EXPIRED':
      return `The code ${reason.couponCode} has expired.`;
    case 'COUPON_USED_UP':
      return `The code ${reason.couponCode} has already been used as often as it may.`;
    case 'COUPON_NOT_YOURS':
      return `The code ${reason.couponCode} is a personal offer for another customer.`;
    case 'USAGE_LIMIT_REACHED':
      return 'The promotion has been used as often as it may.';
    case 'CUSTOMER_USAGE_LIMIT_REACHED':
      return `The customer has already used the promotion ${reason.limit === 1 ? 'once' : `${reason.limit} times`}, the most allowed.`;
    case 'BUDGET_EXHAUSTED':
      return 'The promotion has given all the discount its campaign allows.';
    case 'PRODUCTS_NOT_IN_CART': {
      const units = reason.missing.reduce((sum, missing) => sum + missing.quantityMissing, 0);
      return `Add ${units} more ${units === 1 ? 'unit' : 'units'} of the products of the promotion.`;
    }
    case 'MIN_SUBTOTAL_NOT_MET':
      return `Add ${money(reason.missingMinor)} to reach the minimum of the promotion.`;
    case 'EXCLUDED_BY':
      return `"${promotionName(reason.promotionId)}" gives a better deal and cannot be combined with this one.`;
    case 'NOTHING_TO_DISCOUNT':
      return 'Nothing is left on the cart for the promotion to take off.';
  }
}
