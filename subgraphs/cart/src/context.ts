import type { Caller } from '@omni/auth';
import type { CatalogClient } from './clients/catalog-client';
import type { CustomerDirectory } from '@omni/graphql';
import type { CartDb } from './db/database';
import { createLoaders, type CartLoaders } from './loaders';
import type { PaymentProviders } from './payments/payment-providers';
import type { PricingPort } from './services/pricing';
import type { PromotionUsagePort } from './services/promotion-usage';
import type { LoyaltyPaymentPort } from './services/loyalty-payments';
import { anyCouponCode, type CouponCheckPort } from './services/coupon-check';

/** Built once per request from the verified caller. */
export interface CartContext {
  caller: Caller;
  db: CartDb;
  loaders: CartLoaders;
  catalog: CatalogClient;
  /** Checks customer ids staff name. */
  customers: CustomerDirectory;
  /** Decides the final price of a checkout. */
  pricing: PricingPort;
  /** Holds, confirms and releases the use of the promotions a checkout is charged with. */
  promotionUsage: PromotionUsagePort;
  /** Spends and refunds the loyalty points a checkout is partly paid with. */
  loyalty: LoyaltyPaymentPort;
  /** Refuses a coupon code that cannot unlock anything on the cart when it is entered. */
  couponCheck: CouponCheckPort;
  payments: PaymentProviders;
  settings: CartSettings;
}

/** Per-deployment settings of the cart subgraph. */
export interface CartSettings {
  /** Idle minutes after which a customer's cart counts as abandoned. */
  abandonedAfterMinutes: number;
}

export function createCartContext(
  caller: Caller,
  db: CartDb,
  catalog: CatalogClient,
  customers: CustomerDirectory,
  checkoutPorts: { pricing: PricingPort; promotionUsage: PromotionUsagePort; loyalty: LoyaltyPaymentPort; payments: PaymentProviders; couponCheck?: CouponCheckPort },
  settings: CartSettings,
): CartContext {
  return { caller, db, loaders: createLoaders(db, catalog), catalog, customers, couponCheck: anyCouponCode, ...checkoutPorts, settings };
}
