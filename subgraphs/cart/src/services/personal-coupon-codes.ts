import type { PromotionsClient } from '../clients/promotions-client';

/**
 * Whether a coupon code may go on a cart of this customer (null for a guest or walk-in): false only
 * for a personal offer issued to someone else, which the promotions subgraph knows of.
 */
export type CouponEntryPort = (code: string, customerId: string | null) => Promise<boolean>;

/** Without promotions every code may be entered; the cart explains later what it unlocks. */
export const anyCouponCode: CouponEntryPort = async () => true;

/**
 * Asks the promotions subgraph. When it cannot answer, the code is kept: a stranger's personal code
 * still gives nothing (pricing explains it as COUPON_NOT_YOURS), so refusing a shopper's own code
 * during an outage would be the worse mistake.
 */
export function promotionsCouponEntry(promotions: Pick<PromotionsClient, 'mayEnterCouponCode'>): CouponEntryPort {
  return async (code, customerId) => {
    try {
      return await promotions.mayEnterCouponCode(code, customerId);
    } catch (error) {
      console.error(`[coupon codes] could not check ${code}: ${error instanceof Error ? error.message : String(error)}`);
      return true;
    }
  };
}
