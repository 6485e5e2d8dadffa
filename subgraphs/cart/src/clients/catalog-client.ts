import { z } from 'zod';
import type { Channel } from '@omni/auth';
import { createServiceClient, ServiceCallError, type ServiceClient } from '@omni/graphql';

/** What the cart needs to know about a variant when it is added: its current price and stock. */
const variantSnapshot = z.object({
  id: z.string(),
  priceMinor: z.number().int().nonnegative(),
  currencyCode: z.string(),
  availableForSale: z.boolean(),
  totalAvailable: z.number().int(),
});
export type VariantSnapshot = z.infer<typeof variantSnapshot>;

const variantSnapshotsResponse = z.object({ variantSnapshots: z.array(variantSnapshot.nullable()) });

const VARIANT_SNAPSHOTS = /* GraphQL */ `
  query CartVariantSnapshots($ids: [ID!]!) {
    variantSnapshots(ids: $ids) { id priceMinor currencyCode availableForSale totalAvailable }
  }
`;

export interface CatalogClient {
  /** Snapshots keyed by variant id; unknown ids map to null. Priced for `channel`. */
  variantSnapshots(ids: readonly string[], channel: Channel): Promise<Map<string, VariantSnapshot | null>>;
}

export function createCatalogClient(options: { url: string | (() => string); signingSecret: string }): CatalogClient {
  const client: ServiceClient = createServiceClient({ service: 'cart', url: options.url, signingSecret: options.signingSecret });
  return {
    async variantSnapshots(ids, channel) {
      const data = await client.request<unknown>(VARIANT_SNAPSHOTS, { ids: [...ids] }, channel);
      const parsed = variantSnapshotsResponse.safeParse(data);
      // The catalog answers in the order asked; anything else would price the wrong variant.
      if (!parsed.success || parsed.data.variantSnapshots.length !== ids.length) {
        throw new ServiceCallError('The catalog returned malformed variant snapshots');
      }
      const byId = new Map<string, VariantSnapshot | null>();
      ids.forEach((id, index) => {
        const snapshot = parsed.data.variantSnapshots[index] ?? null;
        if (snapshot && snapshot.id !== id) throw new ServiceCallError('The catalog answered for a variant that was not asked for');
        byId.set(id, snapshot);
      });
      return byId;
    },
  };
}
