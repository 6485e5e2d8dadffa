import { isIdOf } from '@omni/db';
import { fail, succeed, userError, logger, type Outcome, type UserError } from '@omni/graphql';
import type { CartContext } from '../context';
import type { CartRow } from '../db/schema';
import { loyaltyPaymentKey, LoyaltyUnavailableError } from './loyalty-payments';

const POINTS_FIELD = ['input', 'loyaltyPoints'];

/** Points may pay only for a known customer's cart: a guest or walk-in cart has no balance to spend. */
export function pointsOwnerError(customerId: string | null, points: number): UserError | null {
  if (points === 0 || customerId) return null;
  return userError('INVALID', 'Only a cart with a customer can be paid with loyalty points', POINTS_FIELD);
}

/**
 * Points are a tender, not a discount: they pay part of the total, never more than all of it.
 * More points than the total's value is refused, not capped, so the shopper sees what they
 * would spend before anything is spent.
 */
export function pointsExceedTotalError(points: number, totalMinor: number, currencyCode: string): UserError | null {
  if (points <= totalMinor) return null;
  return userError('POINTS_EXCEED_TOTAL', `The order total is worth ${totalMinor} points (1 point = 0.01 ${currencyCode}); pay at most that many`, POINTS_FIELD);
}

/** The points a checkout paid with and the key that paid them (null when no points were asked for). */
export interface PointsPayment {
  points: number;
  paymentKey: string | null;
  /** The order id the payment was made for: an interrupted earlier attempt's, when it made it. */
  orderId: string;
}

/** Attempts of one checkout whose points were paid and undone; past them the key must change. */
const MAX_PAYMENT_ATTEMPTS = 20;

/**
 * Step "pay with points" of checkout, before the payment provider authorises the rest: spends the
 * points with the customer subgraph under a key derived from the checkout's idempotency key (see
 * `loyaltyPaymentKey`), so a retried checkout reuses a payment an interrupted attempt made. Keys
 * an earlier attempt undid pay nothing more, so they are passed over for the next number.
 * `orderId` is the id this attempt would write; a reused payment brings the id it was made for.
 * A refusal (INSUFFICIENT_POINTS) or no answer leaves no payment behind; the caller undoes the
 * steps before.
 */
export async function payWithPoints(ctx: CartContext, input: { cartId: string; idempotencyKey: string; loyaltyPoints: number }, cart: CartRow, orderId: string): Promise<Outcome<PointsPayment>> {
  const points = input.loyaltyPoints;
  if (points === 0) return succeed({ points: 0, paymentKey: null, orderId });
  if (!cart.customerId) throw new Error(`Cart ${cart.id} has no customer to spend points of`);
  const checkout = { cartId: cart.id, idempotencyKey: input.idempotencyKey, points };
  for (let attempt = 1; attempt <= MAX_PAYMENT_ATTEMPTS; attempt++) {
    const paymentKey = loyaltyPaymentKey(checkout, attempt);
    let paid;
    try {
      paid = await ctx.loyalty.pay({ customerId: cart.customerId, points, paymentKey, orderReference: orderId });
    } catch (error) {
      if (!(error instanceof LoyaltyUnavailableError)) throw error;
      logger.error(`checkout of ${cart.id}: ${error.message}`);
      // The payment may have gone through before the answer was lost: refunding the key settles it.
      await refundPointsPayment(ctx, cart.id, paymentKey);
      return fail(userError('LOYALTY_UNAVAILABLE', 'The loyalty points could not be spent right now; nothing was reserved or charged. Try again shortly.', POINTS_FIELD));
    }
    if (paid.outcome === 'key-spent') continue;
    if (paid.outcome === 'paid') {
      const paidFor = paid.orderReference && isIdOf('ord', paid.orderReference) ? paid.orderReference : orderId;
      return succeed({ points, paymentKey, orderId: paidFor });
    }
    if (paid.code === 'INSUFFICIENT_POINTS') {
      return fail(userError('INSUFFICIENT_POINTS', `${paid.message}; nothing was reserved or charged`, POINTS_FIELD));
    }
    return fail(userError('INVALID_STATE', `The loyalty points could not be spent: ${paid.message}`, POINTS_FIELD));
  }
  return fail(userError('INVALID_STATE', 'This checkout was attempted too often with points; check out with a new idempotency key', ['input', 'idempotencyKey']));
}

/**
 * Undoes the points step. Points do not lapse as holds do, so a refund that cannot reach the
 * customer subgraph is logged loudly; a checkout retried with the same key reuses the payment.
 */
export async function refundPointsPayment(ctx: CartContext, cartId: string, paymentKey: string | null): Promise<void> {
  if (!paymentKey) return;
  try {
    await ctx.loyalty.refund(paymentKey);
  } catch (error) {
    logger.error(`points payment ${paymentKey} of cart ${cartId} could not be refunded: ${error instanceof Error ? error.message : String(error)}`);
  }
}
