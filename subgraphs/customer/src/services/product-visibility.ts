import DataLoader from 'dataloader';
import type { Caller } from '@omni/auth';
import type { CatalogProducts, ProductPublication } from '../clients/catalog-client';
import type { CustomerContext } from '../context';

/**
 * Products a profile points at (recently viewed, timeline entries, segments), asked of the catalog
 * once per request for every id the request needs.
 */
export function createProductPublicationLoader(catalog: CatalogProducts) {
  return new DataLoader<string, ProductPublication | null>(async (ids) => {
    const byId = await catalog.productPublications(ids);
    return ids.map((id) => byId.get(id) ?? null);
  });
}

/**
 * The catalog's rule for products another subgraph points at: staff, admins and services see every
 * product that exists; a shopper sees what their channel offers. Applied here so a profile lists
 * only what the caller may open, instead of references the catalog would refuse to resolve.
 */
export function maySee(caller: Caller, publication: ProductPublication | null): boolean {
  if (!publication) return false;
  if (caller.kind === 'staff' || caller.kind === 'admin' || caller.kind === 'service') return true;
  return publication.publishedChannels.includes(caller.channel);
}

/** The ids of `productIds` the caller may see, in the order given; no catalog call for none. */
export async function visibleProductIds(ctx: CustomerContext, productIds: readonly string[]): Promise<string[]> {
  if (productIds.length === 0) return [];
  const publications = await ctx.productPublications.loadMany(productIds);
  return productIds.filter((_, index) => {
    const publication = publications[index];
    if (publication instanceof Error) throw publication;
    return maySee(ctx.caller, publication ?? null);
  });
}

/** A reference to the product for the gateway to resolve, or null when the caller may not see it. */
export async function productReference(ctx: CustomerContext, productId: string | null): Promise<{ __typename: 'Product'; id: string } | null> {
  if (!productId) return null;
  const [visible] = await visibleProductIds(ctx, [productId]);
  return visible ? { __typename: 'Product', id: visible } : null;
}
