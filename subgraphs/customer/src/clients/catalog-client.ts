import { z } from 'zod';
import { createServiceClient, ServiceCallError } from '@omni/graphql';

/** Where a product is offered, as the catalog answers it. */
export interface ProductPublication {
  id: string;
  publishedChannels: string[];
}

/** The catalog as this subgraph needs it: product ids a caller gave are checked before they are kept. */
export interface CatalogProducts {
  /** By id; unknown ids map to null. */
  productPublications(ids: readonly string[]): Promise<Map<string, ProductPublication | null>>;
}

const response = z.object({
  productPublications: z.array(z.object({ id: z.string(), publishedChannels: z.array(z.string()) }).nullable()),
});

const PRODUCT_PUBLICATIONS = /* GraphQL */ `
  query CustomerProductPublications($ids: [ID!]!) {
    productPublications(ids: $ids) { id publishedChannels }
  }
`;

export function createCatalogClient(options: { url: string | (() => string); signingSecret: string }): CatalogProducts {
  const client = createServiceClient({ service: 'customer', url: options.url, signingSecret: options.signingSecret });
  return {
    async productPublications(ids) {
      const unique = [...new Set(ids)];
      const parsed = response.safeParse(await client.request<unknown>(PRODUCT_PUBLICATIONS, { ids: unique }));
      // The catalog answers in the order asked; anything else would vouch for the wrong product.
      if (!parsed.success || parsed.data.productPublications.length !== unique.length) {
        throw new ServiceCallError('The catalog returned malformed product publications');
      }
      const byId = new Map<string, ProductPublication | null>();
      unique.forEach((id, index) => {
        const publication = parsed.data.productPublications[index] ?? null;
        if (publication && publication.id !== id) throw new ServiceCallError('The catalog answered for a product that was not asked for');
        byId.set(id, publication);
      });
      return byId;
    },
  };
}
