import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { DEMO_LOCATIONS, demoCatalog } from '@omni/demo-data';
import { expectData } from '@omni/testing';
import { inventoryLevels, inventoryReservations } from '../src/db/schema';
import { callers, startCatalog, type CatalogHarness } from './harness';

/**
 * What a checkout costs the catalog in SQL statements: adding a line (snapshots), checkout's facts
 * (snapshots and coverage), holding the stock and settling it. None of it may grow with the number
 * of lines of the cart.
 */
let catalog: CatalogHarness;
const { products } = demoCatalog();
const berlin = DEMO_LOCATIONS[0]!;
const asCart = () => catalog.as(callers.service('cart'), 'cart');
/** Variants of products no other test file touches, one per product. */
const variantIds = products.slice(230, 245).map((product) => product.variants[0]!.id);

const RESERVE = `mutation($input: ReserveInventoryInput!) { reserveInventory(input: $input) { reservation { id status } userErrors { code message field } } }`;
const RELEASE = `mutation($input: ReservationIdInput!) { releaseInventoryReservation(input: $input) { reservation { id status } userErrors { code } } }`;
const COMMIT = `mutation($input: ReservationIdInput!) { commitInventoryReservation(input: $input) { reservation { id status } userErrors { code } } }`;
const SNAPSHOTS = `query($ids: [ID!]!, $currencyCode: String) {
  variantSnapshots(ids: $ids, currencyCode: $currencyCode) { id priceMinor currencyCode availableForSale totalAvailable publishedChannels }
}`;
const CHECKOUT_FACTS = `query($ids: [ID!]!, $currencyCode: String, $lines: [StockCoverageLineInput!]!) {
  variantSnapshots(ids: $ids, currencyCode: $currencyCode) { id priceMinor currencyCode availableForSale totalAvailable publishedChannels }
  stockCoverage(lines: $lines) { location { id kind pickupEnabled transferLeadDays deliveryLeadDays } shortVariantIds }
}`;

beforeAll(async () => {
  catalog = await startCatalog();
  await catalog.database.db
    .insert(inventoryLevels)
    .values(variantIds.map((variantId) => ({ variantId, locationId: berlin.id, onHand: 1000 })))
    .onConflictDoUpdate({ target: [inventoryLevels.variantId, inventoryLevels.locationId], set: { onHand: 1000, reserved: 0, safetyStock: 0 } });
});

afterAll(async () => {
  await catalog?.stop();
});

let keyCounter = 0;
const linesOf = (count: number) => variantIds.slice(0, count).map((variantId) => ({ variantId, quantity: 1 }));

async function reserve(count: number): Promise<{ id: string; statements: number }> {
  let id = '';
  const statements = await catalog.statementsDuring(async () => {
    const payload = expectData(
      await asCart()(RESERVE, { input: { locationId: berlin.id, lines: linesOf(count), reference: 'cart_statements', idempotencyKey: `statements-${(keyCounter += 1)}` } }),
    ).reserveInventory;
    expect(payload.userErrors).toEqual([]);
    id = payload.reservation.id;
  });
  return { id, statements };
}

async function settle(mutation: string, field: string, reservationId: string): Promise<number> {
  return catalog.statementsDuring(async () => {
    expect(expectData(await asCart()(mutation, { input: { reservationId } }))[field].userErrors).toEqual([]);
  });
}

describe('the SQL statements of a checkout', () => {
  it('do not grow with the number of lines', async () => {
    const counts: Record<string, number[]> = {};
    const record = (name: string, count: number) => (counts[name] ??= []).push(count);
    for (const lines of [1, 3, 5]) {
      const ids = variantIds.slice(0, lines);
      record('variantSnapshots', await catalog.statementsDuring(async () => expectData(await asCart()(SNAPSHOTS, { ids, currencyCode: 'EUR' }))));
      record('checkoutFacts', await catalog.statementsDuring(async () => expectData(await asCart()(CHECKOUT_FACTS, { ids, currencyCode: 'EUR', lines: linesOf(lines) }))));
      const committed = await reserve(lines);
      record('reserve', committed.statements);
      record('commit', await settle(COMMIT, 'commitInventoryReservation', committed.id));
      const released = await reserve(lines);
      record('release', await settle(RELEASE, 'releaseInventoryReservation', released.id));
    }
    for (const [name, [one, ...more]] of Object.entries(counts)) {
      for (const count of more) expect(count, name).toBe(one);
    }
    expect(counts).toEqual({ variantSnapshots: [1, 1, 1], checkoutFacts: [3, 3, 3], reserve: [3, 3, 3], commit: [2, 2, 2], release: [2, 2, 2] });
  });

  it('a replayed key costs one statement and holds nothing more', async () => {
    const input = { locationId: berlin.id, lines: linesOf(2), reference: 'cart_statements', idempotencyKey: 'statements-replay' };
    const first = expectData(await asCart()(RESERVE, { input })).reserveInventory;
    let again: { reservation: { id: string } } | undefined;
    const statements = await catalog.statementsDuring(async () => {
      again = expectData(await asCart()(RESERVE, { input })).reserveInventory;
    });
    expect(again!.reservation.id).toBe(first.reservation.id);
    expect(statements).toBe(1);
    const held = await catalog.database.db.select().from(inventoryReservations).where(eq(inventoryReservations.idempotencyKey, 'statements-replay'));
    expect(held).toHaveLength(1);
  });
});
