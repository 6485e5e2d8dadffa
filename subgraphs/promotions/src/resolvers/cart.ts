import { toMoney } from '@omni/graphql';
import type { PromotionsContext } from '../context';
import { priceCartRepresentation, UNLISTED_LINES_ID, type CartRepresentation, type EvaluatedCart } from '../services/cart-pricing-service';
import type { NotAppliedReason } from '../services/engine';
import { reasonMessage } from '../services/explanation-messages';

/** Only the fields this subgraph contributes; the cart's own fields arrive in the representation. */
export const Cart = {
  async discounts(cart: CartRepresentation, _: unknown, ctx: PromotionsContext) {
    const { result, promotionsById } = await priceCartRepresentation(ctx, cart);
    // A gift promotion whose gift is not in the cart yet takes nothing off: its explanation says it applies.
    return result.applied
      .filter((applied) => applied.amountMinor > 0)
      .map((applied) => ({ promotion: promotionsById.get(applied.promotionId), title: applied.name, amount: toMoney(applied.amountMinor, result.currencyCode) }));
  },
  async discountTotal(cart: CartRepresentation, _: unknown, ctx: PromotionsContext) {
    const { result } = await priceCartRepresentation(ctx, cart);
    return toMoney(result.discountTotalMinor, result.currencyCode);
  },
  async total(cart: CartRepresentation, _: unknown, ctx: PromotionsContext) {
    const { result } = await priceCartRepresentation(ctx, cart);
    return toMoney(result.totalMinor, result.currencyCode);
  },
  async lineDiscounts(cart: CartRepresentation, _: unknown, ctx: PromotionsContext) {
    const { result, promotionsById } = await priceCartRepresentation(ctx, cart);
    return result.lines
      .filter((line) => line.lineId !== UNLISTED_LINES_ID)
      .map((line) => ({
        lineId: line.lineId,
        amount: toMoney(line.discountMinor, result.currencyCode),
        total: toMoney(line.totalMinor, result.currencyCode),
        allocations: line.discounts.map((share) => ({ promotion: promotionsById.get(share.promotionId), amount: toMoney(share.amountMinor, result.currencyCode) })),
      }));
  },
  async promotionExplanations(cart: CartRepresentation, _: unknown, ctx: PromotionsContext) {
    const pricing = await priceCartRepresentation(ctx, cart);
    const { result, promotionsById } = pricing;
    return result.explanations.map((explanation) => {
      const promotion = promotionsById.get(explanation.promotionId);
      if (explanation.outcome === 'APPLIED') {
        return { promotion, status: 'APPLIED', amount: toMoney(explanation.amountMinor, result.currencyCode), couponCode: explanation.couponCode, reasons: [] };
      }
      return { promotion, status: 'NOT_APPLIED', amount: null, couponCode: null, reasons: explanation.reasons.map((reason) => reasonView(reason, pricing)) };
    });
  },
  async unmatchedCouponCodes(cart: CartRepresentation, _: unknown, ctx: PromotionsContext) {
    const { result } = await priceCartRepresentation(ctx, cart);
    return result.unmatchedCoupons.map((coupon) => ({ code: coupon.code, reason: coupon.reason }));
  },
  async gifts(cart: CartRepresentation, _: unknown, ctx: PromotionsContext) {
    const { result, promotionsById } = await priceCartRepresentation(ctx, cart);
    return result.gifts.map((gift) => ({
      promotion: promotionsById.get(gift.promotionId),
      // A reference: the catalog resolves the variant's fields.
      variant: { __typename: 'Variant', id: gift.variantId },
      quantity: gift.quantity,
      quantityInCart: gift.quantityInCart,
      quantityToAdd: Math.max(0, gift.quantity - gift.quantityInCart),
    }));
  },
};

/** A reason as the schema shows it: the code, a sentence, and only the facts of that code. */
function reasonView(reason: NotAppliedReason, { result, promotionsById }: EvaluatedCart) {
  const currencyCode = result.currencyCode;
  const nameOf = (id: string) => promotionsById.get(id)?.name ?? id;
  const view: Record<string, unknown> = { code: reason.code, message: reasonMessage(reason, currencyCode, nameOf) };
  switch (reason.code) {
    case 'INACTIVE':
      view.promotionStatus = reason.status;
      break;
    case 'CURRENCY_MISMATCH':
      view.promotionCurrencyCode = reason.promotionCurrencyCode;
      break;
    case 'NOT_STARTED':
      view.startsAt = reason.startsAt;
      break;
    case 'ENDED':
      view.endedAt = reason.endedAt;
      break;
    case 'NOT_IN_CHANNEL':
      view.channels = reason.channels;
      view.couponCode = reason.couponCode;
      break;
    case 'NOT_AT_LOCATION':
      view.locationIds = reason.locationIds;
      break;
    case 'NOT_IN_SEGMENT':
      view.segments = reason.segments;
      break;
    case 'COUPON_UNKNOWN':
    case 'COUPON_EXPIRED':
    case 'COUPON_USED_UP':
    case 'COUPON_NOT_YOURS':
      view.couponCode = reason.couponCode;
      break;
    case 'USAGE_LIMIT_REACHED':
    case 'CUSTOMER_USAGE_LIMIT_REACHED':
      view.limit = reason.limit;
      break;
    case 'BUDGET_EXHAUSTED':
      view.budget = toMoney(reason.budgetMinor, currencyCode);
      break;
    case 'PRODUCTS_NOT_IN_CART':
      view.missingProducts = reason.missing.map((missing) => ({ targetKind: missing.target.kind, ids: missing.target.ids, quantityMissing: missing.quantityMissing }));
      break;
    case 'MIN_SUBTOTAL_NOT_MET':
      view.amountMissing = toMoney(reason.missingMinor, currencyCode);
      break;
    case 'EXCLUDED_BY':
      view.excludedBy = promotionsById.get(reason.promotionId) ?? null;
      break;
    case 'COUPON_REQUIRED':
    case 'NOTHING_TO_DISCOUNT':
      break;
  }
  return view;
}

