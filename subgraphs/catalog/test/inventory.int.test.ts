import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { DEMO_LOCATIONS, DEMO_STAFF, demoCatalog } from '@omni/demo-data';
import { expectData, onPostgresServer } from '@omni/testing';
import { inventoryAdjustments, inventoryLevels } from '../src/db/schema';
import { callers, startCatalog, type CatalogHarness } from './harness';

let catalog: CatalogHarness;
const { products, stock } = demoCatalog();
const berlin = DEMO_LOCATIONS[0]!;
const hamburg = DEMO_LOCATIONS[1]!;
const cashier = DEMO_STAFF[0]!;
const manager = DEMO_STAFF[1]!;
const asManager = () => catalog.as(callers.staff(manager.id, manager.homeLocationId, 'POS', 'STORE_MANAGER'));
const asOtherManager = () => catalog.as(callers.staff('staff_berlin_deputy', berlin.id, 'POS', 'STORE_MANAGER'));
const asAdmin = () => catalog.as(callers.admin());

/** Each test works on its own product so stock changes never leak between tests. */
const variantOf = (productIndex: number) => products[productIndex]!.variants[0]!;
const seededOnHand = (variantId: string, locationId: string) =>
  stock.find((level) => level.variantId === variantId && level.locationId === locationId)!.onHand;

beforeAll(async () => {
  catalog = await startCatalog();
});

afterAll(async () => {
  await catalog?.stop();
});

const ADJUST = `mutation($input: AdjustInventoryInput!) { adjustInventory(input: $input) {
  stockLevel { available onHand reserved location { id } variant { id } }
  adjustment { id delta reason note onHandAfter adjustedBy { id } createdAt variant { id } location { id } }
  userErrors { code field message }
} }`;

async function onHandNow(variantId: string, locationId: string): Promise<number> {
  const data = expectData(
    await asAdmin()('query($id: ID!, $loc: ID!) { variant(id: $id) { availability(locationId: $loc) { onHand } } }', {
      id: variantId,
      loc: locationId,
    }),
  );
  return data.variant.availability.onHand;
}

async function adjustmentRowsFor(variantId: string, locationId: string) {
  return catalog.database.db
    .select()
    .from(inventoryAdjustments)
    .where(and(eq(inventoryAdjustments.variantId, variantId), eq(inventoryAdjustments.locationId, locationId)));
}

let keyCounter = 0;
const freshKey = () => `test-key-${Date.now()}-${(keyCounter += 1)}`;

describe('stock visibility', () => {
  const variant = variantOf(0);
  const query = `query($id: ID!) { variant(id: $id) {
    availableForSale
    stockLevels { location { id } available onHand reserved adjustments(first: 1) { edges { node { id } } } }
  } }`;
  const expectedLevels = (internals: boolean) =>
    DEMO_LOCATIONS.map((location) => {
      const onHand = seededOnHand(variant.id, location.id);
      return {
        location: { id: location.id },
        available: onHand,
        onHand: internals ? onHand : null,
        reserved: internals ? 0 : null,
        adjustments: internals ? { edges: [] } : null,
      };
    });

  it.each([
    ['an anonymous shopper', callers.anonymous()],
    ['a customer', callers.customer('cus_anyone')],
    ['a partner', callers.partner()],
  ])('shows %s what is available, but not on-hand, reserved or the audit trail', async (_, caller) => {
    const data = expectData(await catalog.as(caller)(query, { id: variant.id }));
    expect(data.variant.stockLevels).toEqual(expectedLevels(false));
    expect(data.variant.availableForSale).toBe(true);
  });

  it.each([
    ['staff', callers.staff(cashier.id, berlin.id)],
    ['an admin', callers.admin()],
  ])('shows %s the inventory internals', async (_, caller) => {
    const data = expectData(await catalog.as(caller)(query, { id: variant.id }));
    expect(data.variant.stockLevels).toEqual(expectedLevels(true));
  });

  it('answers availability at one store and null for an unknown location', async () => {
    const data = expectData(
      await catalog.as(callers.customer('cus_anyone'))(
        'query($id: ID!, $loc: ID!) { variant(id: $id) { here: availability(locationId: $loc) { available location { name } } nowhere: availability(locationId: "loc_00000000000000000000000000") { available } } }',
        { id: variant.id, loc: hamburg.id },
      ),
    );
    expect(data.variant.here).toEqual({ available: seededOnHand(variant.id, hamburg.id), location: { name: hamburg.name } });
    expect(data.variant.nowhere).toBeNull();
  });

  it('subtracts reserved units from what is available, never going below zero', async () => {
    const target = variantOf(1);
    const onHand = seededOnHand(target.id, DEMO_LOCATIONS[4]!.id);
    await catalog.database.db
      .update(inventoryLevels)
      .set({ reserved: onHand })
      .where(and(eq(inventoryLevels.variantId, target.id), eq(inventoryLevels.locationId, DEMO_LOCATIONS[4]!.id)));
    const data = expectData(
      await asAdmin()('query($id: ID!, $loc: ID!) { variant(id: $id) { availability(locationId: $loc) { available onHand reserved } } }', {
        id: target.id,
        loc: DEMO_LOCATIONS[4]!.id,
      }),
    );
    expect(data.variant.availability).toEqual({ available: 0, onHand, reserved: onHand });
  });
});

describe('adjustInventory', () => {
  it('adds stock, records who, why and the result, and shows it in the audit trail', async () => {
    const variant = variantOf(10);
    const before = seededOnHand(variant.id, berlin.id);
    const response = await asManager()(ADJUST, {
      input: { variantId: variant.id, locationId: berlin.id, delta: 5, reason: 'RECEIVED', note: ' delivery 42 ', idempotencyKey: freshKey() },
    });
    const payload = expectData(response).adjustInventory;
    expect(payload.userErrors).toEqual([]);
    expect(payload.stockLevel).toEqual({
      available: before + 5,
      onHand: before + 5,
      reserved: 0,
      location: { id: berlin.id },
      variant: { id: variant.id },
    });
    expect(payload.adjustment).toMatchObject({
      delta: 5,
      reason: 'RECEIVED',
      note: 'delivery 42',
      onHandAfter: before + 5,
      adjustedBy: { id: manager.id },
      variant: { id: variant.id },
      location: { id: berlin.id },
    });
    expect(payload.adjustment.id).toMatch(/^adj_/);

    const second = expectData(
      await asManager()(ADJUST, { input: { variantId: variant.id, locationId: berlin.id, delta: -2, reason: 'DAMAGED', idempotencyKey: freshKey() } }),
    ).adjustInventory;
    expect(second.adjustment).toMatchObject({ delta: -2, onHandAfter: before + 3, note: null });

    const trail = `query($id: ID!, $loc: ID!, $after: String) { variant(id: $id) { availability(locationId: $loc) {
      adjustments(first: 1, after: $after) { edges { node { id delta onHandAfter } } pageInfo { hasNextPage endCursor } }
    } } }`;
    const newest = expectData(await asManager()(trail, { id: variant.id, loc: berlin.id })).variant.availability.adjustments;
    expect(newest.edges.map((edge: { node: unknown }) => edge.node)).toEqual([{ id: second.adjustment.id, delta: -2, onHandAfter: before + 3 }]);
    expect(newest.pageInfo.hasNextPage).toBe(true);
    const older = expectData(await asManager()(trail, { id: variant.id, loc: berlin.id, after: newest.pageInfo.endCursor })).variant.availability
      .adjustments;
    expect(older.edges.map((edge: { node: unknown }) => edge.node)).toEqual([{ id: payload.adjustment.id, delta: 5, onHandAfter: before + 5 }]);
    expect(older.pageInfo.hasNextPage).toBe(false);
  });

  it('validates input and changes nothing on error', async () => {
    const variant = variantOf(11);
    const before = seededOnHand(variant.id, berlin.id);
    const cases: [Record<string, unknown>, string[]][] = [
      [{ delta: 0 }, ['input.delta']],
      [{ delta: 2_000_000 }, ['input.delta']],
      [{ variantId: 'prod_not-a-variant' }, ['input.variantId']],
      [{ idempotencyKey: '   ' }, ['input.idempotencyKey']],
      [{ note: 'x'.repeat(501) }, ['input.note']],
      [{ delta: -1, reason: 'RECEIVED' }, ['input.delta']],
      [{ delta: 1, reason: 'SOLD' }, ['input.delta']],
    ];
    for (const [override, fields] of cases) {
      const input = { variantId: variant.id, locationId: berlin.id, delta: 1, idempotencyKey: freshKey(), ...override };
      const payload = expectData(await asManager()(ADJUST, { input })).adjustInventory;
      expect(payload.stockLevel).toBeNull();
      expect(payload.adjustment).toBeNull();
      expect(payload.userErrors.map((e: { field: string[] }) => e.field.join('.')), JSON.stringify(override)).toEqual(fields);
      expect(payload.userErrors.every((e: { code: string }) => e.code === 'INVALID')).toBe(true);
    }
    expect(await onHandNow(variant.id, berlin.id)).toBe(before);
    expect(await adjustmentRowsFor(variant.id, berlin.id)).toEqual([]);
  });

  it('answers NOT_FOUND for a variant or location that does not exist', async () => {
    const payload = expectData(
      await asAdmin()(ADJUST, {
        input: { variantId: 'var_00000000000000000000000000', locationId: berlin.id, delta: 1, idempotencyKey: freshKey() },
      }),
    ).adjustInventory;
    expect(payload.userErrors).toMatchObject([{ code: 'NOT_FOUND', field: ['input', 'variantId'] }]);
    const noLocation = expectData(
      await asAdmin()(ADJUST, {
        input: { variantId: variantOf(11).id, locationId: 'loc_00000000000000000000000000', delta: 1, idempotencyKey: freshKey() },
      }),
    ).adjustInventory;
    expect(noLocation.userErrors).toMatchObject([{ code: 'NOT_FOUND', field: ['input', 'locationId'] }]);
  });

  it('needs inventory:write, and keeps staff to their own location while admins adjust anywhere', async () => {
    const variant = variantOf(12);
    const input = { variantId: variant.id, locationId: hamburg.id, delta: 3, reason: 'COUNTED', idempotencyKey: freshKey() };
    // A cashier serves the till but does not count stock, even at their own store.
    const atOwnStore = { ...input, locationId: cashier.homeLocationId };
    for (const [caller, attempt] of [[callers.customer('cus_anyone'), input], [callers.partner(), input], [callers.staff(cashier.id, cashier.homeLocationId), atOwnStore]] as const) {
      const refused = await catalog.as(caller)(ADJUST, { input: attempt });
      expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
    const anonymous = await catalog.as(callers.anonymous())(ADJUST, { input });
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');

    const elsewhere = expectData(await asManager()(ADJUST, { input })).adjustInventory;
    expect(elsewhere.userErrors).toMatchObject([{ code: 'FORBIDDEN', field: ['input', 'locationId'] }]);
    expect(await onHandNow(variant.id, hamburg.id)).toBe(seededOnHand(variant.id, hamburg.id));

    const admin = expectData(await asAdmin()(ADJUST, { input })).adjustInventory;
    expect(admin.userErrors).toEqual([]);
    expect(admin.stockLevel.onHand).toBe(seededOnHand(variant.id, hamburg.id) + 3);
    expect(admin.adjustment.adjustedBy).toEqual({ id: 'admin' });
  });

  it('never takes on hand below zero or below what is reserved', async () => {
    const variant = variantOf(13);
    const warehouse = DEMO_LOCATIONS[4]!;
    const onHand = seededOnHand(variant.id, warehouse.id);
    const tooMuch = expectData(
      await asAdmin()(ADJUST, { input: { variantId: variant.id, locationId: warehouse.id, delta: -(onHand + 1), reason: 'SOLD', idempotencyKey: freshKey() } }),
    ).adjustInventory;
    expect(tooMuch.userErrors).toMatchObject([{ code: 'OUT_OF_STOCK', field: ['input', 'delta'] }]);

    await catalog.database.db
      .update(inventoryLevels)
      .set({ reserved: 5 })
      .where(and(eq(inventoryLevels.variantId, variant.id), eq(inventoryLevels.locationId, warehouse.id)));
    const intoReserved = expectData(
      await asAdmin()(ADJUST, { input: { variantId: variant.id, locationId: warehouse.id, delta: -(onHand - 4), idempotencyKey: freshKey() } }),
    ).adjustInventory;
    expect(intoReserved.userErrors).toMatchObject([{ code: 'OUT_OF_STOCK', field: ['input', 'delta'] }]);
    expect(intoReserved.userErrors[0].message).toContain('reserved');
    expect(await onHandNow(variant.id, warehouse.id)).toBe(onHand);

    const downToReserved = expectData(
      await asAdmin()(ADJUST, { input: { variantId: variant.id, locationId: warehouse.id, delta: -(onHand - 5), idempotencyKey: freshKey() } }),
    ).adjustInventory;
    expect(downToReserved.stockLevel).toMatchObject({ onHand: 5, reserved: 5, available: 0 });
    expect(await adjustmentRowsFor(variant.id, warehouse.id)).toHaveLength(1);
  });

  it('stocks a variant at a location that never held it, refusing removals there first', async () => {
    const variant = variantOf(14);
    const where = and(eq(inventoryLevels.variantId, variant.id), eq(inventoryLevels.locationId, berlin.id));
    await catalog.database.db.delete(inventoryLevels).where(where);

    const view = expectData(await asManager()('query($id: ID!, $loc: ID!) { variant(id: $id) { availability(locationId: $loc) { available onHand } } }', { id: variant.id, loc: berlin.id }));
    expect(view.variant.availability).toEqual({ available: 0, onHand: 0 });

    const removal = expectData(await asManager()(ADJUST, { input: { variantId: variant.id, locationId: berlin.id, delta: -1, idempotencyKey: freshKey() } })).adjustInventory;
    expect(removal.userErrors).toMatchObject([{ code: 'OUT_OF_STOCK' }]);
    expect(await catalog.database.db.select().from(inventoryLevels).where(where)).toEqual([]);

    const arrival = expectData(
      await asManager()(ADJUST, { input: { variantId: variant.id, locationId: berlin.id, delta: 4, reason: 'RECEIVED', idempotencyKey: freshKey() } }),
    ).adjustInventory;
    expect(arrival.stockLevel).toMatchObject({ onHand: 4, available: 4 });
  });

  it('returns the first result for a replayed key and moves stock once', async () => {
    const variant = variantOf(15);
    const before = seededOnHand(variant.id, berlin.id);
    const input = { variantId: variant.id, locationId: berlin.id, delta: 7, reason: 'RECEIVED', note: 'pallet 9', idempotencyKey: freshKey() };
    const first = expectData(await asManager()(ADJUST, { input })).adjustInventory;
    const replay = expectData(await asManager()(ADJUST, { input })).adjustInventory;
    expect(replay.userErrors).toEqual([]);
    expect(replay.adjustment).toEqual(first.adjustment);
    expect(replay.stockLevel.onHand).toBe(before + 7);
    expect(await onHandNow(variant.id, berlin.id)).toBe(before + 7);
    expect(await adjustmentRowsFor(variant.id, berlin.id)).toHaveLength(1);
  });

  it('refuses a key reused for another change or by another person', async () => {
    const variant = variantOf(16);
    const before = seededOnHand(variant.id, berlin.id);
    const input = { variantId: variant.id, locationId: berlin.id, delta: 2, reason: 'RECEIVED', idempotencyKey: freshKey() };
    expectData(await asManager()(ADJUST, { input }));
    for (const [client, changed] of [
      [asManager(), { ...input, delta: 3 }],
      [asManager(), { ...input, note: 'different' }],
      [asOtherManager(), input],
    ] as const) {
      const reused = expectData(await client(ADJUST, { input: changed })).adjustInventory;
      expect(reused).toMatchObject({ stockLevel: null, adjustment: null, userErrors: [{ code: 'IDEMPOTENCY_KEY_REUSED', field: ['input', 'idempotencyKey'] }] });
    }
    expect(await onHandNow(variant.id, berlin.id)).toBe(before + 2);
  });
});

describe('adjustInventory under concurrency (Postgres server)', () => {
  it.skipIf(!onPostgresServer())('lands 20 concurrent adjustments exactly, each building on the one before', async () => {
    const variant = variantOf(20);
    const before = seededOnHand(variant.id, berlin.id);
    // Distinct deltas make every resulting on-hand distinct, so the order they landed in can be rebuilt.
    const deltas = Array.from({ length: 20 }, (_, index) => index + 1);
    const results = await Promise.all(
      deltas.map((delta) =>
        asManager()(ADJUST, { input: { variantId: variant.id, locationId: berlin.id, delta, reason: 'RECEIVED', idempotencyKey: freshKey() } }),
      ),
    );
    const payloads = results.map((response) => expectData(response).adjustInventory);
    expect(payloads.flatMap((payload) => payload.userErrors)).toEqual([]);
    const expectedFinal = before + deltas.reduce((sum, delta) => sum + delta, 0);
    expect(await onHandNow(variant.id, berlin.id)).toBe(expectedFinal);
    // A lost update would show as two adjustments built on the same starting quantity.
    const rows = (await adjustmentRowsFor(variant.id, berlin.id)).sort((a, b) => a.onHandAfter - b.onHandAfter);
    expect(rows).toHaveLength(20);
    let onHand = before;
    for (const row of rows) {
      expect(row.onHandAfter - row.delta).toBe(onHand);
      onHand = row.onHandAfter;
    }
    expect(onHand).toBe(expectedFinal);
  });

  it.skipIf(!onPostgresServer())('never sells the last unit twice when 20 removals race for 10 units', async () => {
    const variant = variantOf(21);
    const warehouse = DEMO_LOCATIONS[4]!;
    await catalog.database.db
      .update(inventoryLevels)
      .set({ onHand: 10 })
      .where(and(eq(inventoryLevels.variantId, variant.id), eq(inventoryLevels.locationId, warehouse.id)));
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        asAdmin()(ADJUST, { input: { variantId: variant.id, locationId: warehouse.id, delta: -1, reason: 'SOLD', idempotencyKey: freshKey() } }),
      ),
    );
    const payloads = results.map((response) => expectData(response).adjustInventory);
    expect(payloads.filter((payload) => payload.userErrors.length === 0)).toHaveLength(10);
    expect(payloads.filter((payload) => payload.userErrors[0]?.code === 'OUT_OF_STOCK')).toHaveLength(10);
    expect(await onHandNow(variant.id, warehouse.id)).toBe(0);
  });

  it.skipIf(!onPostgresServer())('moves stock once when the same key arrives 10 times at once', async () => {
    const variant = variantOf(22);
    const before = seededOnHand(variant.id, berlin.id);
    const input = { variantId: variant.id, locationId: berlin.id, delta: 6, reason: 'RECEIVED', idempotencyKey: freshKey() };
    const results = await Promise.all(Array.from({ length: 10 }, () => asManager()(ADJUST, { input })));
    const payloads = results.map((response) => expectData(response).adjustInventory);
    expect(payloads.flatMap((payload) => payload.userErrors)).toEqual([]);
    expect(new Set(payloads.map((payload) => payload.adjustment.id)).size).toBe(1);
    expect(await onHandNow(variant.id, berlin.id)).toBe(before + 6);
    expect(await adjustmentRowsFor(variant.id, berlin.id)).toHaveLength(1);
  });
});
