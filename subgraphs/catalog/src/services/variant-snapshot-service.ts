import { isIdOf } from '@omni/db';
import { badUserInput, isCurrencyCode, requireInternalCall } from '@omni/graphql';
import type { CatalogContext } from '../context';
import { findVariantSnapshots, type VariantSnapshotRecord } from '../db/inventory-queries';

export const MAX_SNAPSHOT_IDS = 250;

export interface ProductPublication {
  id: string;
  publishedChannels: string[];
}

/**
 * Where each product is offered, in the order asked, null for unknown ids: sibling services check
 * a product id a caller gave them against the caller's channel before they keep it.
 */
export async function getProductPublications(ctx: CatalogContext, ids: readonly string[]): Promise<(ProductPublication | null)[]> {
  requireInternalCall(ctx.caller);
  if (ids.length > MAX_SNAPSHOT_IDS) throw badUserInput(`At most ${MAX_SNAPSHOT_IDS} ids per call`);
  const products = await Promise.all(ids.map((id) => (isIdOf('prod', id) ? ctx.loaders.productById.load(id) : null)));
  return products.map((product) => (product ? { id: product.id, publishedChannels: product.channels } : null));
}

export interface VariantSnapshot extends VariantSnapshotRecord {
  availableForSale: boolean;
}

/**
 * What the cart subgraph needs to price and check its lines, in the order asked, null for
 * unknown ids, priced in the cart's currency where the variant has a price in it (a USD cart pays
 * the USD price, not a conversion). Sibling services only: it bypasses the per-field
 * authorization of the public graph.
 */
export async function getVariantSnapshots(ctx: CatalogContext, ids: readonly string[], currencyCode: string | null = null): Promise<(VariantSnapshot | null)[]> {
  requireInternalCall(ctx.caller);
  if (ids.length > MAX_SNAPSHOT_IDS) throw badUserInput(`At most ${MAX_SNAPSHOT_IDS} ids per call`);
  const currency = currencyCode?.trim().toUpperCase() || null;
  if (currency && !isCurrencyCode(currency)) throw badUserInput('currencyCode must be an ISO 4217 code such as "EUR"');
  const wanted = [...new Set(ids.filter((id) => isIdOf('var', id)))];
  const rows = wanted.length > 0 ? await findVariantSnapshots(ctx.db, wanted, currency) : [];
  const byId = new Map(rows.map((row) => [row.id, { ...row, availableForSale: row.totalAvailable > 0 }]));
  return ids.map((id) => byId.get(id) ?? null);
}
