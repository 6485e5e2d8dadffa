import { createCatalogClient } from './clients/catalog-client';
import { createPromotionsClient } from './clients/promotions-client';
import { anyCouponCode, promotionsCouponCheck, type CouponCheckPort } from './services/coupon-check';
import { createCustomerLoyaltyClient } from './clients/customer-loyalty-client';
import { createCustomerDirectoryClient, createSubgraphServer, loadSubgraphTypeDefs, type CustomerDirectory } from '@omni/graphql';
import { createCartContext, type CartContext } from './context';
import type { CartDatabase } from './db/database';
import { createDefaultPaymentProviders, type PaymentProviders } from './payments/payment-providers';
import { promotionsPricing, unavailablePricing, type PricingPort } from './services/pricing';
import { promotionsUsage, unavailableUsage, type PromotionUsagePort } from './services/promotion-usage';
import { customerLoyaltyPayments, type LoyaltyPaymentPort } from './services/loyalty-payments';
import { DEFAULT_ABANDONED_AFTER_MINUTES } from './services/abandoned-cart-service';
import { resolvers } from './resolvers';

export const CART_SUBGRAPH_NAME = 'cart';
export const cartSchemaFile = new URL('./schema.graphql', import.meta.url);

export interface CartSubgraphOptions {
  database: CartDatabase;
  signingSecret: string;
  /** The catalog subgraph, asked for variant prices and stock; a function when its port is picked later. */
  catalogUrl: string | (() => string);
  /**
   * The customer subgraph, asked whether a customer staff name exists and spending the loyalty
   * points checkout is paid with; a function when its port is picked later.
   */
  customerUrl: string | (() => string);
  /** Answers for the customer subgraph at `customerUrl` when given (tests without one). */
  customers?: CustomerDirectory;
  /**
   * The promotions subgraph, asked for the final price of a checkout (the quote behind
   * `Cart.total`); a function when its port is picked later.
   */
  promotionsUrl?: string | (() => string);
  /**
   * Final price of a checkout instead of the promotions quote (tests, deployments without
   * promotions pass `listPricing`). With neither this nor `promotionsUrl`, checkout refuses with
   * PRICING_UNAVAILABLE rather than charge a price nobody was shown.
   */
  pricing?: PricingPort;
  /**
   * Usage holds of the promotions a checkout is charged with, instead of the promotions subgraph
   * at `promotionsUrl` (tests pass a stand-in). With neither, a checkout with discounts is refused
   * (PRICING_UNAVAILABLE) rather than charged without counting their use.
   */
  promotionUsage?: PromotionUsagePort;
  /**
   * Whether an entered coupon code can unlock anything, instead of the promotions subgraph at
   * `promotionsUrl` (tests pass a stand-in). With neither, every well-formed code is kept.
   */
  couponCheck?: CouponCheckPort;
  /** Loyalty points payments instead of the customer subgraph at `customerUrl` (tests pass a stand-in). */
  loyaltyPayments?: LoyaltyPaymentPort;
  /** Ways to pay; the built-in providers when omitted. */
  paymentProviders?: PaymentProviders;
  /** Idle minutes after which `abandonedCarts` lists a cart when the query does not say; 60 when omitted. */
  abandonedAfterMinutes?: number;
}

export function createCartSubgraph(options: CartSubgraphOptions) {
  const catalog = createCatalogClient({ url: options.catalogUrl, signingSecret: options.signingSecret });
  const customers = options.customers ?? createCustomerDirectoryClient({ service: 'cart', url: options.customerUrl, signingSecret: options.signingSecret });
  const promotions = options.promotionsUrl ? createPromotionsClient({ url: options.promotionsUrl, signingSecret: options.signingSecret }) : null;
  const pricing = options.pricing ?? (promotions ? promotionsPricing(promotions) : unavailablePricing);
  const promotionUsage = options.promotionUsage ?? (promotions ? promotionsUsage(promotions) : unavailableUsage);
  const loyalty = options.loyaltyPayments ?? customerLoyaltyPayments(createCustomerLoyaltyClient({ url: options.customerUrl, signingSecret: options.signingSecret }));
  const couponCheck = options.couponCheck ?? (promotions ? promotionsCouponCheck(promotions) : anyCouponCode);
  const checkoutPorts = { pricing, promotionUsage, loyalty, payments: options.paymentProviders ?? createDefaultPaymentProviders(), couponCheck };
  const settings = { abandonedAfterMinutes: options.abandonedAfterMinutes ?? DEFAULT_ABANDONED_AFTER_MINUTES };
  return createSubgraphServer<CartContext>({
    name: CART_SUBGRAPH_NAME,
    typeDefs: loadSubgraphTypeDefs(cartSchemaFile),
    resolvers,
    signingSecret: options.signingSecret,
    createContext: ({ caller }) => createCartContext(caller, options.database.db, catalog, customers, checkoutPorts, settings),
  });
}
