import { z } from 'zod';
import { createServiceClient, ServiceCallError } from './service-client';

/**
 * The customer subgraph as its siblings need it when staff type a customer id (opening a cart,
 * starting a conversation): does that person exist, and under which id after merges.
 */
export interface CustomerDirectory {
  /** The id the customer id resolves to now (itself, or the survivor of a merge); null for nobody. */
  currentCustomerId(id: string): Promise<string | null>;
}

const response = z.object({ currentCustomerIds: z.array(z.string().nullable()).length(1) });

const CURRENT_CUSTOMER_IDS = /* GraphQL */ `
  query CurrentCustomerIds($ids: [ID!]!) {
    currentCustomerIds(ids: $ids)
  }
`;

/** `service` names the calling subgraph, which signs the internal call as itself. */
export function createCustomerDirectoryClient(options: { service: string; url: string | (() => string); signingSecret: string }): CustomerDirectory {
  const client = createServiceClient({ service: options.service, url: options.url, signingSecret: options.signingSecret });
  return {
    async currentCustomerId(id) {
      const parsed = response.safeParse(await client.request<unknown>(CURRENT_CUSTOMER_IDS, { ids: [id] }));
      if (!parsed.success) throw new ServiceCallError('The customer subgraph returned malformed customer ids');
      return parsed.data.currentCustomerIds[0] ?? null;
    },
  };
}
