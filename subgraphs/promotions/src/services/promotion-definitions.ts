import type { PromotionKind, PromotionRow } from '../db/schema';
import type { PromotionAction, PromotionCondition, PromotionDefinition } from './engine';
import type { StoredPromotionRules } from './engine/stored-rules';
import { COMBINES_WITH_EVERYTHING } from './promotion-rules-input';

/**
 * Every stored promotion as the engine's `PromotionDefinition`: its scope columns (status,
 * currency, channels, schedule, limits) and its stored rules. Rows stored before rules existed
 * (PERCENTAGE_OFF_ORDER, FIXED_AMOUNT_OFF_ORDER) always stacked with every other promotion, so
 * they combine with every class, at priority 0 (equal priorities apply in id, that is creation,
 * order), anywhere, without a code.
 */
export function toPromotionDefinition(row: PromotionRow): PromotionDefinition {
  const rules = row.rules ?? legacyRules(row);
  return {
    id: row.id,
    name: row.name,
    status: row.status,
    currencyCode: row.currencyCode,
    priority: rules.priority,
    channels: row.channels,
    locationIds: rules.locationIds,
    startsAt: row.startsAt,
    endsAt: row.endsAt,
    requiresCoupon: rules.requiresCoupon,
    conditions: rules.conditions,
    action: rules.action,
    stacking: rules.stacking,
    usageLimit: row.usageLimit ?? null,
    usageLimitPerCustomer: row.usageLimitPerCustomer ?? null,
    budgetMinor: row.budgetMinor ?? null,
  };
}

/** The rules a row stored before rules existed stands for. */
export function legacyRules(row: Pick<PromotionRow, 'kind' | 'percentOff' | 'amountOffMinor' | 'minimumSubtotalMinor'>): StoredPromotionRules {
  const conditions: PromotionCondition[] = row.minimumSubtotalMinor !== null && row.minimumSubtotalMinor > 0 ? [{ type: 'MIN_SUBTOTAL', amountMinor: row.minimumSubtotalMinor }] : [];
  const action: PromotionAction =
    row.kind === 'FIXED_AMOUNT_OFF_ORDER' ? { type: 'ORDER_AMOUNT_OFF', amountMinor: row.amountOffMinor ?? 0 } : { type: 'ORDER_PERCENT_OFF', percent: row.percentOff ?? 0 };
  return { priority: 0, locationIds: [], requiresCoupon: false, conditions, action, stacking: COMBINES_WITH_EVERYTHING };
}

const KIND_OF_ACTION: Record<PromotionAction['type'], PromotionKind> = {
  ORDER_PERCENT_OFF: 'PERCENTAGE_OFF_ORDER',
  ORDER_AMOUNT_OFF: 'FIXED_AMOUNT_OFF_ORDER',
  TIERED_SPEND: 'TIERED_SPEND',
  LINES_PERCENT_OFF: 'PERCENTAGE_OFF_PRODUCTS',
  LINES_AMOUNT_OFF: 'FIXED_AMOUNT_OFF_PRODUCTS',
  BUY_X_GET_Y: 'BUY_X_GET_Y',
  BUNDLE_FIXED_PRICE: 'BUNDLE_FIXED_PRICE',
  FREE_SHIPPING: 'FREE_SHIPPING',
  GIFT: 'GIFT',
};

/**
 * The columns that repeat the rules for lists and older clients: kind, and for the two order
 * kinds their value (the CHECK constraint keeps them in step), and the minimum subtotal.
 */
export function columnsOfRules(rules: StoredPromotionRules): Pick<PromotionRow, 'kind' | 'percentOff' | 'amountOffMinor' | 'minimumSubtotalMinor'> {
  const { action } = rules;
  const minimum = rules.conditions.find((condition) => condition.type === 'MIN_SUBTOTAL');
  return {
    kind: KIND_OF_ACTION[action.type],
    percentOff: action.type === 'ORDER_PERCENT_OFF' ? action.percent : null,
    amountOffMinor: action.type === 'ORDER_AMOUNT_OFF' ? action.amountMinor : null,
    minimumSubtotalMinor: minimum?.type === 'MIN_SUBTOTAL' ? minimum.amountMinor : null,
  };
}

/** True when pricing with the definition needs the segments the cart's customer is in. */
export function needsCustomerSegments(definition: PromotionDefinition): boolean {
  return definition.conditions.some((condition) => condition.type === 'CUSTOMER_SEGMENT');
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
