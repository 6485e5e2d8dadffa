import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asc, eq } from 'drizzle-orm';
import { DEMO_LOCATIONS, DEMO_STAFF, demoCatalog } from '@omni/demo-data';
import { expectData } from '@omni/testing';
import { outboxEvents } from '../src/db/schema';
import { callers, startCatalog, type CatalogHarness } from './harness';

/**
 * Every stock and product change writes its domain event in the same transaction: `stock.changed`
 * per variant (aggregate: the variant) and `product.changed` (aggregate: the product), which live
 * subscriptions and the response cache listen to. A refused change writes none.
 */
let catalog: CatalogHarness;
const { products, stock } = demoCatalog();
const berlin = DEMO_LOCATIONS[0]!;
const manager = DEMO_STAFF[1]!;
const asManager = () => catalog.as(callers.staff(manager.id, manager.homeLocationId, 'POS', 'STORE_MANAGER'));
const asAdmin = () => catalog.as(callers.admin());

beforeAll(async () => {
  catalog = await startCatalog();
});

afterAll(async () => {
  await catalog?.stop();
});

const eventsAbout = async (aggregateId: string) =>
  (await catalog.database.db.select().from(outboxEvents).where(eq(outboxEvents.aggregateId, aggregateId)).orderBy(asc(outboxEvents.id))).map((row) => ({ type: row.type, payload: row.payload }));

describe('catalog domain events', () => {
  it('an inventory adjustment writes stock.changed for the variant and product.changed with stock', async () => {
    const product = products[3]!;
    const variant = product.variants[0]!;
    const adjusted = expectData(
      await asManager()(`mutation($input: AdjustInventoryInput!) { adjustInventory(input: $input) { userErrors { code } } }`, {
        input: { variantId: variant.id, locationId: berlin.id, delta: 2, reason: 'RECEIVED', idempotencyKey: 'events-adjust-1' },
      }),
    ).adjustInventory;
    expect(adjusted.userErrors).toEqual([]);
    expect(await eventsAbout(variant.id)).toEqual([{ type: 'stock.changed', payload: { variantId: variant.id, productId: product.id, locationIds: [berlin.id] } }]);
    expect(await eventsAbout(product.id)).toContainEqual({ type: 'product.changed', payload: { productId: product.id, variantIds: [variant.id], changes: ['stock'] } });

    // Refused (more removed than on hand): nothing committed, no event.
    const refused = expectData(
      await asManager()(`mutation($input: AdjustInventoryInput!) { adjustInventory(input: $input) { userErrors { code } } }`, {
        input: { variantId: variant.id, locationId: berlin.id, delta: -1_000_000, reason: 'DAMAGED', idempotencyKey: 'events-adjust-2' },
      }),
    ).adjustInventory;
    expect(refused.userErrors).not.toEqual([]);
    expect(await eventsAbout(variant.id)).toHaveLength(1);
  });

  it('a reservation and its release each write stock.changed at the location', async () => {
    // A variant with stock at Berlin that the other tests leave alone.
    const variant = products.slice(6).flatMap((product) => product.variants).find((candidate) => stock.some((level) => level.variantId === candidate.id && level.locationId === berlin.id && level.onHand > 0))!;
    const asCart = catalog.as(callers.service('cart'), 'cart');
    const reserved = expectData(
      await asCart(`mutation($input: ReserveInventoryInput!) { reserveInventory(input: $input) { reservation { id } userErrors { code message } } }`, {
        input: { locationId: berlin.id, lines: [{ variantId: variant.id, quantity: 1 }], idempotencyKey: 'events-reserve-1' },
      }),
    ).reserveInventory;
    expect(reserved.userErrors).toEqual([]);
    const released = expectData(
      await asCart(`mutation($input: ReservationIdInput!) { releaseInventoryReservation(input: $input) { reservation { status } userErrors { code } } }`, { input: { reservationId: reserved.reservation.id } }),
    ).releaseInventoryReservation;
    expect(released.userErrors).toEqual([]);
    expect((await eventsAbout(variant.id)).map((event) => [event.type, event.payload.locationIds])).toEqual([
      ['stock.changed', [berlin.id]],
      ['stock.changed', [berlin.id]],
    ]);
  });

  it('repricing and publication write product.changed naming what changed', async () => {
    const product = products[5]!;
    const variant = product.variants[0]!;
    const repriced = expectData(
      await asAdmin()(`mutation($input: UpdateVariantInput!) { updateVariant(input: $input) { userErrors { code } } }`, { input: { sku: variant.sku, price: { amount: '12.34', currencyCode: 'EUR' } } }),
    ).updateVariant;
    expect(repriced.userErrors).toEqual([]);
    const unpublished = expectData(
      await asAdmin()(`mutation($input: PublicationInput!) { unpublishProduct(input: $input) { userErrors { code } } }`, { input: { id: product.id, channels: ['MARKETPLACE'] } }),
    ).unpublishProduct;
    expect(unpublished.userErrors).toEqual([]);
    const events = await eventsAbout(product.id);
    expect(events).toEqual([
      { type: 'product.changed', payload: { productId: product.id, variantIds: [variant.id], changes: ['price'] } },
      { type: 'product.changed', payload: { productId: product.id, variantIds: product.variants.map((v) => v.id).sort(), changes: ['publication'] } },
    ]);
  });
});
