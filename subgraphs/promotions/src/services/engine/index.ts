/**
 * The promotion engine: pure functions over plain data. `quoteCart` prices a cart (the same call
 * serves `Cart.total` and the checkout quote), `validatePromotionDefinition` guards what the admin
 * API saves. See `types.ts` for the contract and `quote-cart.ts` for the stacking and rounding rules.
 */
export type * from './types';
export { NOT_APPLIED_REASON_CODES } from './types';
export { quoteCart } from './quote-cart';
export { validatePromotionDefinition, type DefinitionCatalog } from './validate-promotion-definition';
export { discountClassOf } from './compute-action';
export { normalizeCouponCode } from './coupon-codes';
export { allocateByLargestRemainder, percentOfMinor } from './money';
export { benchmarkEngine, type EngineBenchmark } from './benchmark-engine';
export { refundForReturnedUnits } from './refund-allocation';
