import { newId } from '@omni/db';
import { publishEvents, type NewDomainEvent } from '@omni/events';
import { findVariantsByProductIds } from '../db/catalog-queries';
import type { CatalogDb } from '../db/database';
import { outboxEvents, type NewOutboxEvent } from '../db/schema';

/**
 * The catalog's domain events, written to its outbox in the transaction that makes the change, so
 * an event exists exactly when its change committed. Live subscriptions (`stockChanged`) and the
 * gateway's response cache listen to them; both re-read current state, so the payloads name what
 * changed rather than carry it.
 *
 * - `stock.changed`, aggregate = variant id, payload `{ variantId, productId, locationIds }`: one
 *   event per variant whose stock moved (adjustment, safety stock, reservation held, released or
 *   committed at checkout, offline sale), naming every location of that variant it touched.
 * - `product.changed`, aggregate = product id, payload `{ productId, variantIds, changes }`, where
 *   `changes` lists what moved: `price`, `publication`, `details` (title, description, images,
 *   barcode, a new product) and `stock` (availability shown on product pages), with `variantIds`
 *   the variants concerned (every variant of the product unless the change names fewer).
 */
export type ProductChange = 'price' | 'publication' | 'details' | 'stock';

export interface StockMove {
  variantId: string;
  productId: string;
  locationId: string;
}

/** `stock.changed` per variant, and `product.changed` with `stock` per product, for the moves of one transaction. */
export async function publishStockChanged(tx: CatalogDb, moves: readonly StockMove[]): Promise<void> {
  await publishEvents(tx, outboxEvents, stockChangedEvents(moves));
}

/**
 * The events `publishStockChanged` writes, as outbox rows for a statement that writes them along
 * with the stock change itself (see `holdStock` and `settleStock`).
 */
export function stockChangedOutboxRows(moves: readonly StockMove[]): NewOutboxEvent[] {
  return stockChangedEvents(moves).map((event) => ({ id: newId('evt'), type: event.type, aggregateId: event.aggregateId, payload: event.payload }));
}

function stockChangedEvents(moves: readonly StockMove[]): NewDomainEvent[] {
  const locationsByVariant = new Map<string, { productId: string; locationIds: Set<string> }>();
  for (const move of moves) {
    const entry = locationsByVariant.get(move.variantId) ?? { productId: move.productId, locationIds: new Set<string>() };
    entry.locationIds.add(move.locationId);
    locationsByVariant.set(move.variantId, entry);
  }
  const variantsByProduct = new Map<string, string[]>();
  const events: NewDomainEvent[] = [];
  for (const [variantId, { productId, locationIds }] of locationsByVariant) {
    events.push({ type: 'stock.changed', aggregateId: variantId, payload: { variantId, productId, locationIds: [...locationIds].sort() } });
    variantsByProduct.set(productId, [...(variantsByProduct.get(productId) ?? []), variantId]);
  }
  for (const [productId, variantIds] of variantsByProduct) {
    events.push({ type: 'product.changed', aggregateId: productId, payload: { productId, variantIds: variantIds.sort(), changes: ['stock'] } });
  }
  return events;
}

/** `product.changed`; without `variantIds` it names every variant of the product. */
export async function publishProductChanged(
  tx: CatalogDb,
  change: { productId: string; changes: readonly ProductChange[]; variantIds?: readonly string[] },
): Promise<void> {
  const variantIds = change.variantIds ?? (await findVariantsByProductIds(tx, [change.productId])).map((variant) => variant.id);
  await publishEvents(tx, outboxEvents, [
    { type: 'product.changed', aggregateId: change.productId, payload: { productId: change.productId, variantIds: [...variantIds].sort(), changes: [...new Set(change.changes)] } },
  ]);
}
