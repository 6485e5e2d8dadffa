import { z } from 'zod';
import { createServiceClient, ServiceCallError, type ServiceClient } from '@omni/graphql';

const loyaltyPaymentSchema = z.object({
  // Null when refused, and for a refund that found no payment with its key.
  payment: z.object({ status: z.enum(['PAID', 'REFUNDED']), orderReference: z.string().nullable() }).nullable(),
  userErrors: z.array(z.object({ code: z.string(), message: z.string(), field: z.array(z.string()).nullable().optional() })),
});
/** The customer subgraph's answer to a points payment or its refund: empty `userErrors` on success. */
export type LoyaltyPaymentAnswer = z.infer<typeof loyaltyPaymentSchema>;

const PAY_WITH_POINTS = /* GraphQL */ `
  mutation PayWithLoyaltyPoints($input: PayWithLoyaltyPointsInput!) {
    payWithLoyaltyPoints(input: $input) { payment { status orderReference } userErrors { code message field } }
  }
`;
const REFUND_POINTS_PAYMENT = /* GraphQL */ `
  mutation RefundLoyaltyPayment($input: RefundLoyaltyPaymentInput!) {
    refundLoyaltyPayment(input: $input) { payment { status orderReference } userErrors { code message field } }
  }
`;

/** The customer subgraph's internal, service-only loyalty payment operations. */
export interface CustomerLoyaltyClient {
  /**
   * Spends the points once per `idempotencyKey`: a retry answers the first payment (also one
   * refunded since); INSUFFICIENT_POINTS when the balance does not cover them.
   */
  payWithLoyaltyPoints(request: { customerId: string; points: number; idempotencyKey: string; orderReference: string | null }): Promise<LoyaltyPaymentAnswer>;
  /** Gives back the points the payment with this key spent; for a key that paid nothing, it is closed. */
  refundLoyaltyPayment(idempotencyKey: string): Promise<LoyaltyPaymentAnswer>;
}

function parsed(data: Record<string, unknown>, field: string): LoyaltyPaymentAnswer {
  const answer = loyaltyPaymentSchema.safeParse(data[field]);
  if (!answer.success) throw new ServiceCallError(`The customer subgraph answered ${field} in an unexpected shape`);
  return answer.data;
}

export function createCustomerLoyaltyClient(options: { url: string | (() => string); signingSecret: string }): CustomerLoyaltyClient {
  const client: ServiceClient = createServiceClient({ service: 'cart', url: options.url, signingSecret: options.signingSecret });
  return {
    async payWithLoyaltyPoints(request) {
      return parsed(await client.request<Record<string, unknown>>(PAY_WITH_POINTS, { input: { ...request } }), 'payWithLoyaltyPoints');
    },
    async refundLoyaltyPayment(idempotencyKey) {
      return parsed(await client.request<Record<string, unknown>>(REFUND_POINTS_PAYMENT, { input: { idempotencyKey } }), 'refundLoyaltyPayment');
    },
  };
}
