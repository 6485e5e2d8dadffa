import { PRODUCT_ENGAGEMENT } from './segment-rules';

/**
 * When the profile tells promotions something new, by the same facts the segments use
 * (segment-rules.ts), so an event never disagrees with `Customer.segments`.
 */

/** The order just recorded made the customer a first-time buyer: exactly one ORDER_PLACED touchpoint. */
export function becameFirstTimeBuyer(ordersIncludingThisOne: number): boolean {
  return ordersIncludingThisOne === 1;
}

/**
 * The touchpoint just recorded brought the product's touchpoints within the window up to the
 * engagement threshold: the moment it is crossed, not every touchpoint after. A touchpoint dated
 * before the window adds nothing to the count, so it crosses nothing.
 */
export function crossedProductEngagement(touchpointsInWindow: number, touchpointInWindow: boolean): boolean {
  return touchpointInWindow && touchpointsInWindow === PRODUCT_ENGAGEMENT.touchpoints;
}

export function productEngagementWindowStart(now: Date): Date {
  return new Date(now.getTime() - PRODUCT_ENGAGEMENT.windowDays * 24 * 60 * 60 * 1000);
}
