import { createHash } from 'node:crypto';
import type { CustomerLoyaltyClient } from '../clients/customer-loyalty-client';

/**
 * The seam where checkout spends a customer's loyalty points. The balance is kept by the customer
 * subgraph: a payment is keyed, so the same key spends once however often it is sent, and undone
 * by refunding that key. A key pays once in its life: after its refund (or a refund that came
 * before any payment) it pays nothing more. Points paid for an order are given back by returns
 * through the `order.returned` event, not through this port.
 */

export type LoyaltyPaymentResult =
  /** Spent now, or by an earlier request with this key; `orderReference` is the one it was paid with. */
  | { outcome: 'paid'; orderReference: string | null }
  /** This key's payment was refunded (or a refund closed it first): it pays nothing, a new key must. */
  | { outcome: 'key-spent' }
  | { outcome: 'refused'; code: string; message: string };

export interface LoyaltyPaymentRequest {
  customerId: string;
  /** Points to spend; 1 point pays 1 minor unit of the order's currency. */
  points: number;
  /** The same key spends once: see `loyaltyPaymentKey`. */
  paymentKey: string;
  /** The order the points pay for, shown on the customer's ledger. */
  orderReference: string;
}

/**
 * `pay` throws `LoyaltyUnavailableError` when it gets no answer (the points may or may not be
 * spent then; refunding the key settles it either way). `refund` is idempotent.
 */
export interface LoyaltyPaymentPort {
  pay(request: LoyaltyPaymentRequest): Promise<LoyaltyPaymentResult>;
  refund(paymentKey: string): Promise<void>;
}

/** The customer subgraph could not be asked (unreachable, or no loyalty configured). */
export class LoyaltyUnavailableError extends Error {
  override name = 'LoyaltyUnavailableError';
}

/**
 * The points payment key of one attempt of a checkout: derived from the cart, the checkout's
 * idempotency key and the points, so a retried checkout reuses a payment an interrupted attempt
 * made instead of spending again, and numbered, because a payment an attempt undid cannot pay
 * again: the next attempt takes the next number. Hashed to stay short (the customer subgraph takes
 * keys of at most 100 characters; checkout keys run to 200).
 */
export function loyaltyPaymentKey(checkout: { cartId: string; idempotencyKey: string; points: number }, attempt: number): string {
  const digest = createHash('sha256').update(JSON.stringify([checkout.cartId, checkout.idempotencyKey, checkout.points])).digest('hex');
  return `checkout:${digest}:${attempt}`;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The customer subgraph's internal `payWithLoyaltyPoints` / `refundLoyaltyPayment`. */
export function customerLoyaltyPayments(client: CustomerLoyaltyClient): LoyaltyPaymentPort {
  return {
    async pay(request) {
      let answer;
      try {
        answer = await client.payWithLoyaltyPoints({ customerId: request.customerId, points: request.points, idempotencyKey: request.paymentKey, orderReference: request.orderReference });
      } catch (error) {
        throw new LoyaltyUnavailableError(`The customer subgraph could not take the points payment: ${describe(error)}`);
      }
      const [refusal] = answer.userErrors;
      if (refusal) {
        // A refund with this key came first: the key is closed, not the customer's points short.
        const keyClosed = refusal.code === 'INVALID_STATE' && refusal.field?.at(-1) === 'idempotencyKey';
        return keyClosed ? { outcome: 'key-spent' } : { outcome: 'refused', code: refusal.code, message: refusal.message };
      }
      if (!answer.payment) throw new LoyaltyUnavailableError('The customer subgraph answered a points payment without the payment');
      return answer.payment.status === 'REFUNDED' ? { outcome: 'key-spent' } : { outcome: 'paid', orderReference: answer.payment.orderReference };
    },
    async refund(paymentKey) {
      let answer;
      try {
        answer = await client.refundLoyaltyPayment(paymentKey);
      } catch (error) {
        throw new LoyaltyUnavailableError(`The customer subgraph could not refund the points payment: ${describe(error)}`);
      }
      if (answer.userErrors.length > 0) throw new LoyaltyUnavailableError(`The points payment was not refunded: ${answer.userErrors.map((e) => e.message).join('; ')}`);
    },
  };
}
