/** What other workspaces (the all-in-one runner, tests) use of the cart subgraph. */
export { createCartSubgraph, CART_SUBGRAPH_NAME, cartSchemaFile, type CartSubgraphOptions } from './server';
export { openCartDatabase, CART_SCHEMA, type CartDatabase } from './db/database';
export { seedCartDemoData } from './seed';
export { createCartEventRelay, startCartEventConsumer } from './events';
export { announceAbandonedCarts, startAbandonedCartSweeper, DEFAULT_ABANDONED_AFTER_MINUTES } from './services/abandoned-cart-service';
export { createDefaultPaymentProviders, createTestCardProvider, type PaymentProvider, type PaymentProviders } from './payments/payment-providers';
export { listPricing, promotionsPricing, PricingUnavailableError, type PricingPort, type PricingRequest, type PriceQuote } from './services/pricing';
export { PromotionUsageUnavailableError, type PromotionUsagePort, type PromotionUsageHold, type PromotionUse } from './services/promotion-usage';
