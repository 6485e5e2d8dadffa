import type { PromotionAction, PromotionCondition, Stacking } from './types';

/**
 * The part of a `PromotionDefinition` kept as one JSON document with the promotion: everything
 * beyond the scope columns (status, currency, channels, schedule, limits) that storage filters on.
 * Plain data, so it survives the trip through jsonb unchanged.
 */
export interface StoredPromotionRules {
  priority: number;
  locationIds: readonly string[];
  requiresCoupon: boolean;
  conditions: readonly PromotionCondition[];
  action: PromotionAction;
  stacking: Stacking;
}
