import { z } from 'zod';
import { createServiceClient, ServiceCallError } from '@omni/graphql';

/** The segments a customer is in now, as the customer profile computes them on read. */
export interface CustomerSegmentFacts {
  /** The customer id as asked (the cart's customer), even when it was merged into another. */
  customerId: string;
  /** Segment kinds, e.g. FIRST_TIME_BUYER; empty for an id of nobody. */
  kinds: readonly string[];
  /** Products the customer is ENGAGED_WITH_PRODUCT for. */
  engagedProductIds: readonly string[];
}

/**
 * The customer subgraph as the promotions subgraph sees it. A port, so tests can plug their own;
 * `createCustomerClient` is the real one.
 */
export interface CustomerPort {
  /** Segments per customer id asked, every id answered. At most 100 ids per call. */
  customerSegments(customerIds: readonly string[]): Promise<Map<string, CustomerSegmentFacts>>;
}

export const MAX_CUSTOMERS_PER_CALL = 100;

const CUSTOMER_SEGMENTS = /* GraphQL */ `
  query PromotionsCustomerSegments($customerIds: [ID!]!) { customerSegments(customerIds: $customerIds) { customerId kinds engagedProductIds } }
`;

const segmentsResponse = z.object({
  customerSegments: z.array(z.object({ customerId: z.string(), kinds: z.array(z.string()), engagedProductIds: z.array(z.string()) })),
});

/** Asks the customer subgraph's internal `customerSegments`, signed as the promotions service. */
export function createCustomerClient(options: { url: string | (() => string); signingSecret: string }): CustomerPort {
  const client = createServiceClient({ service: 'promotions', url: options.url, signingSecret: options.signingSecret });
  return {
    async customerSegments(customerIds) {
      const byId = new Map<string, CustomerSegmentFacts>();
      if (customerIds.length === 0) return byId;
      const data = await client.request<unknown>(CUSTOMER_SEGMENTS, { customerIds: [...customerIds] });
      const parsed = segmentsResponse.safeParse(data);
      // One answer per id in the order asked; anything else could give a cart another customer's offers.
      if (!parsed.success || parsed.data.customerSegments.length !== customerIds.length) throw new ServiceCallError('The customer subgraph returned malformed segments');
      customerIds.forEach((id, index) => {
        const answer = parsed.data.customerSegments[index]!;
        if (answer.customerId !== id) throw new ServiceCallError('The customer subgraph answered for a customer that was not asked for');
        byId.set(id, answer);
      });
      return byId;
    },
  };
}

/** For a subgraph started without the customer subgraph: a segment-scoped price cannot be known. */
export const unavailableCustomers: CustomerPort = {
  async customerSegments() {
    throw new ServiceCallError('No customer subgraph is configured to read customer segments');
  },
};
