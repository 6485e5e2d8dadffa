import type { PromotionRow } from '../db/schema';
import type { PromotionAction, PromotionCondition, PromotionDefinition } from './engine';

/**
 * Every stored promotion as the engine's `PromotionDefinition`. Promotions stored by kind
 * (PERCENTAGE_OFF_ORDER, FIXED_AMOUNT_OFF_ORDER) have always stacked with every other promotion,
 * so they combine with every class, at priority 0 (equal priorities apply in id, that is creation,
 * order), anywhere, without a code.
 */
export function toPromotionDefinition(row: PromotionRow): PromotionDefinition {
  const conditions: PromotionCondition[] = row.minimumSubtotalMinor !== null && row.minimumSubtotalMinor > 0 ? [{ type: 'MIN_SUBTOTAL', amountMinor: row.minimumSubtotalMinor }] : [];
  return {
    id: row.id,
    name: row.name,
    status: row.status,
    currencyCode: row.currencyCode,
    priority: 0,
    channels: row.channels,
    locationIds: [],
    startsAt: row.startsAt,
    endsAt: row.endsAt,
    requiresCoupon: false,
    conditions,
    action: legacyAction(row),
    stacking: { mode: 'COMBINABLE', combinesWith: { order: true, product: true, shipping: true } },
    usageLimit: row.usageLimit ?? null,
    usageLimitPerCustomer: row.usageLimitPerCustomer ?? null,
    budgetMinor: row.budgetMinor ?? null,
  };
}

function legacyAction(row: PromotionRow): PromotionAction {
  switch (row.kind) {
    case 'PERCENTAGE_OFF_ORDER':
      return { type: 'ORDER_PERCENT_OFF', percent: row.percentOff ?? 0 };
    case 'FIXED_AMOUNT_OFF_ORDER':
      return { type: 'ORDER_AMOUNT_OFF', amountMinor: row.amountOffMinor ?? 0 };
  }
}

/** True when pricing with the definition needs to know each line's product or category. */
export function needsProductFacts(definition: PromotionDefinition): boolean {
  const catalogTarget = (target: { kind: string }) => target.kind !== 'VARIANT';
  if (definition.conditions.some((condition) => condition.type === 'CART_CONTAINS' && catalogTarget(condition.target))) return true;
  const action = definition.action;
  switch (action.type) {
    case 'LINES_PERCENT_OFF':
    case 'LINES_AMOUNT_OFF':
    case 'BUY_X_GET_Y':
      return catalogTarget(action.target);
    case 'BUNDLE_FIXED_PRICE':
      return action.items.some((item) => catalogTarget(item.target));
    default:
      return false;
  }
}
