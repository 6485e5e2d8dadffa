import { newId } from '@omni/db';
import type { PaymentProviderId, PaymentStatus } from '../db/schema';

/** What a provider says about a payment it was asked to take for a new order. */
export type Authorization =
  | { ok: true; status: Extract<PaymentStatus, 'PENDING' | 'AUTHORIZED' | 'CAPTURED'>; reference: string | null }
  | { ok: false; message: string };

/**
 * A way to pay. Checkout authorises before the order is written and voids when the order is not
 * written after all; capture and refund move money of an existing order. Amounts in minor units.
 */
export interface PaymentProvider {
  readonly id: PaymentProviderId;
  authorize(request: { amountMinor: number; currencyCode: string; cardToken: string | null; reference: string }): Promise<Authorization>;
  capture(reference: string | null, amountMinor: number, idempotencyKey: string): Promise<void>;
  void(reference: string | null): Promise<void>;
  refund(reference: string | null, amountMinor: number, idempotencyKey: string): Promise<void>;
}

export type PaymentProviders = Readonly<Record<PaymentProviderId, PaymentProvider>>;

export class PaymentProviderError extends Error {
  override name = 'PaymentProviderError';
}

/** Nothing is taken online: the shopper pays at the store when collecting. */
export const payAtPickupProvider: PaymentProvider = {
  id: 'PAY_AT_PICKUP',
  authorize: async () => ({ ok: true, status: 'PENDING', reference: null }),
  capture: async () => {},
  void: async () => {},
  refund: async () => {},
};

/** Cash handed over at the till: taken the moment the order is placed, refunded from the drawer. */
export const cashAtPosProvider: PaymentProvider = {
  id: 'CASH',
  authorize: async () => ({ ok: true, status: 'CAPTURED', reference: newId('cash') }),
  capture: async () => {},
  void: async () => {},
  refund: async () => {},
};

/** Card tokens the test card provider understands. */
export const TEST_CARD_TOKENS = { approved: 'tok_visa', declined: 'tok_declined' } as const;

interface TestCardPayment {
  authorizedMinor: number;
  capturedMinor: number;
  refundedMinor: number;
  voided: boolean;
  /** Idempotency keys of the captures and refunds already applied. */
  applied: Set<string>;
}

/**
 * A card processor without a network: `tok_visa` is approved, `tok_declined` declined, anything
 * else is an unknown card. It keeps the authorise → capture → refund states of each payment and
 * refuses moves a real processor would refuse (capturing more than authorised, refunding more than
 * captured, anything after a void), so the order side is tested against those rules.
 */
export function createTestCardProvider(): PaymentProvider & { payment(reference: string): Readonly<TestCardPayment> | undefined } {
  const payments = new Map<string, TestCardPayment>();
  const existing = (reference: string | null) => {
    const payment = reference ? payments.get(reference) : undefined;
    if (!payment) throw new PaymentProviderError(`Unknown test card payment ${reference}`);
    if (payment.voided) throw new PaymentProviderError(`Test card payment ${reference} was voided`);
    return payment;
  };
  return {
    id: 'TEST_CARD',
    async authorize(request) {
      if (request.cardToken === TEST_CARD_TOKENS.declined) return { ok: false, message: 'The card was declined' };
      if (request.cardToken !== TEST_CARD_TOKENS.approved) return { ok: false, message: 'The card is not known' };
      const reference = newId('tc');
      payments.set(reference, { authorizedMinor: request.amountMinor, capturedMinor: 0, refundedMinor: 0, voided: false, applied: new Set() });
      return { ok: true, status: 'AUTHORIZED', reference };
    },
    async capture(reference, amountMinor, idempotencyKey) {
      const payment = existing(reference);
      if (payment.applied.has(idempotencyKey)) return;
      if (payment.capturedMinor + amountMinor > payment.authorizedMinor) throw new PaymentProviderError('Capture exceeds the authorised amount');
      payment.capturedMinor += amountMinor;
      payment.applied.add(idempotencyKey);
    },
    async void(reference) {
      const payment = existing(reference);
      if (payment.capturedMinor > 0) throw new PaymentProviderError('A captured payment cannot be voided');
      payment.voided = true;
    },
    async refund(reference, amountMinor, idempotencyKey) {
      const payment = existing(reference);
      if (payment.applied.has(idempotencyKey)) return;
      if (payment.refundedMinor + amountMinor > payment.capturedMinor) throw new PaymentProviderError('Refund exceeds the captured amount');
      payment.refundedMinor += amountMinor;
      payment.applied.add(idempotencyKey);
    },
    payment: (reference) => payments.get(reference),
  };
}

/** The built-in providers; a deployment replaces TEST_CARD with a real processor behind the same interface. */
export function createDefaultPaymentProviders(): PaymentProviders {
  return { PAY_AT_PICKUP: payAtPickupProvider, CASH: cashAtPosProvider, TEST_CARD: createTestCardProvider() };
}
