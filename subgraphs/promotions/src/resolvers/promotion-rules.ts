import { toMoney } from '@omni/graphql';
import type { ConnectionArgs } from '@omni/graphql';
import type { PromotionsContext } from '../context';
import type { PromotionRow } from '../db/schema';
import { listCouponCodesPage } from '../services/coupon-code-service';
import type { LineTarget, PromotionAction, PromotionCondition } from '../services/engine';
import { toPromotionDefinition } from '../services/promotion-definitions';

/** `Promotion`'s rule fields: the engine's definition with amounts as Money of the promotion's currency. */
export const promotionRuleFields = {
  couponCodes: (row: PromotionRow, args: ConnectionArgs, ctx: PromotionsContext) => listCouponCodesPage(ctx, row, args),
  priority: (row: PromotionRow) => toPromotionDefinition(row).priority,
  locationIds: (row: PromotionRow) => toPromotionDefinition(row).locationIds,
  requiresCoupon: (row: PromotionRow) => toPromotionDefinition(row).requiresCoupon,
  conditions: (row: PromotionRow) => toPromotionDefinition(row).conditions.map((condition) => conditionView(condition, row.currencyCode)),
  action: (row: PromotionRow) => actionView(toPromotionDefinition(row).action, row.currencyCode),
  stacking: (row: PromotionRow) => {
    const stacking = toPromotionDefinition(row).stacking;
    const combines = stacking.mode === 'EXCLUSIVE' ? { order: false, product: false, shipping: false } : stacking.combinesWith;
    return {
      mode: stacking.mode,
      group: stacking.mode === 'BEST_DEAL' ? stacking.group : null,
      combinesWithOrder: combines.order,
      combinesWithProduct: combines.product,
      combinesWithShipping: combines.shipping,
    };
  },
};

const targetView = (target: LineTarget) => ({ kind: target.kind, ids: target.ids });

function conditionView(condition: PromotionCondition, currencyCode: string) {
  switch (condition.type) {
    case 'MIN_SUBTOTAL':
      return { type: condition.type, minimumSubtotal: toMoney(condition.amountMinor, currencyCode) };
    case 'CART_CONTAINS':
      return { type: condition.type, target: targetView(condition.target), minQuantity: condition.minQuantity };
    case 'CUSTOMER_SEGMENT':
      return { type: condition.type, segments: condition.segments };
  }
}

function actionView(action: PromotionAction, currencyCode: string) {
  const money = (minor: number) => toMoney(minor, currencyCode);
  switch (action.type) {
    case 'ORDER_PERCENT_OFF':
      return { type: action.type, percent: action.percent };
    case 'ORDER_AMOUNT_OFF':
      return { type: action.type, amountOff: money(action.amountMinor) };
    case 'TIERED_SPEND':
      return { type: action.type, tiers: action.tiers.map((tier) => ({ threshold: money(tier.thresholdMinor), amountOff: money(tier.amountOffMinor) })) };
    case 'LINES_PERCENT_OFF':
      return { type: action.type, target: targetView(action.target), percent: action.percent };
    case 'LINES_AMOUNT_OFF':
      return { type: action.type, target: targetView(action.target), amountOffPerUnit: money(action.amountMinorPerUnit) };
    case 'BUY_X_GET_Y':
      return { type: action.type, target: targetView(action.target), buyQuantity: action.buyQuantity, getQuantity: action.getQuantity, percent: action.percent, maxGroups: action.maxGroups };
    case 'BUNDLE_FIXED_PRICE':
      return { type: action.type, items: action.items.map((item) => ({ target: targetView(item.target), quantity: item.quantity })), price: money(action.priceMinor) };
    case 'FREE_SHIPPING':
      return { type: action.type };
    case 'GIFT':
      return { type: action.type, variantId: action.variantId, quantity: action.quantity };
  }
}
