import { z } from 'zod';
import { createServiceClient, ServiceCallError } from '@omni/graphql';

/** What a messenger knows about a sender, in the customer subgraph's identifier kinds. */
export interface SenderIdentifier {
  kind: 'TELEGRAM' | 'VK' | 'WHATSAPP' | 'PHONE' | 'DEVICE';
  value: string;
  /** True when the provider proved the account (a messenger user id), false for caller id or a browser. */
  verified: boolean;
  firstName?: string | null;
}

export type IdentifiedSender = { ok: true; customerId: string } | { ok: false; message: string };

/**
 * The customer subgraph's identity rules, asked service to service: the customer a sender's
 * identifier belongs to, created when nobody holds it yet.
 */
export interface CustomerIdentities {
  identify(sender: SenderIdentifier): Promise<IdentifiedSender>;
}

const IDENTIFY = /* GraphQL */ `
  mutation IdentifySender($input: IdentifyCustomerInput!) {
    identifyCustomer(input: $input) { customer { id } userErrors { message } }
  }
`;

const response = z.object({
  identifyCustomer: z.object({
    customer: z.object({ id: z.string() }).nullable(),
    userErrors: z.array(z.object({ message: z.string() })),
  }),
});

export function createCustomerIdentitiesClient(options: { url: string | (() => string); signingSecret: string }): CustomerIdentities {
  const client = createServiceClient({ service: 'support', url: options.url, signingSecret: options.signingSecret });
  return {
    async identify(sender) {
      const input = {
        identifiers: [{ kind: sender.kind, value: sender.value, verified: sender.verified }],
        firstName: sender.firstName ?? null,
      };
      const parsed = response.safeParse(await client.request<unknown>(IDENTIFY, { input }, 'MESSENGER'));
      if (!parsed.success) throw new ServiceCallError('The customer subgraph returned a malformed identification');
      const { customer, userErrors } = parsed.data.identifyCustomer;
      if (customer) return { ok: true, customerId: customer.id };
      return { ok: false, message: userErrors.map((error) => error.message).join('; ') || 'The sender could not be identified' };
    },
  };
}
