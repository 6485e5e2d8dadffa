import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, asc, eq, inArray } from 'drizzle-orm';
import { DEMO_LOCATIONS, demoCatalog } from '@omni/demo-data';
import { expectData, onPostgresServer } from '@omni/testing';
import { catalogFeed, inventoryAdjustments, inventoryLevels, inventoryReservations, outboxEvents } from '../src/db/schema';
import { releaseExpiredReservations } from '../src/services/reservation-service';
import { callers, startCatalog, type CatalogHarness } from './harness';

let catalog: CatalogHarness;
const { products } = demoCatalog();
const berlin = DEMO_LOCATIONS[0]!;
const asCart = () => catalog.as(callers.service('cart'), 'cart');

beforeAll(async () => {
  catalog = await startCatalog();
});

afterAll(async () => {
  await catalog?.stop();
});

const RESERVE = `mutation($input: ReserveInventoryInput!) { reserveInventory(input: $input) {
  reservation { id status reference expiresAt lines { variantId quantity } location { id } }
  userErrors { code field message }
} }`;
const RELEASE = `mutation($input: ReservationIdInput!) { releaseInventoryReservation(input: $input) {
  reservation { id status } userErrors { code field message } } }`;
const COMMIT = `mutation($input: ReservationIdInput!) { commitInventoryReservation(input: $input) {
  reservation { id status } userErrors { code field message } } }`;

/** Each test owns one product's first variants, with a known amount of stock at Berlin. */
async function stockAt(productIndex: number, onHand: number, safetyStock = 0) {
  const variant = products[productIndex]!.variants[0]!;
  await catalog.database.db
    .update(inventoryLevels)
    .set({ onHand, reserved: 0, safetyStock })
    .where(and(eq(inventoryLevels.variantId, variant.id), eq(inventoryLevels.locationId, berlin.id)));
  return variant.id;
}

async function level(variantId: string) {
  const [row] = await catalog.database.db
    .select()
    .from(inventoryLevels)
    .where(and(eq(inventoryLevels.variantId, variantId), eq(inventoryLevels.locationId, berlin.id)));
  return { onHand: row!.onHand, reserved: row!.reserved, available: row!.onHand - row!.reserved - row!.safetyStock };
}

let keyCounter = 0;
const freshKey = () => `reservation-key-${Date.now()}-${(keyCounter += 1)}`;
const reserveInput = (lines: { variantId: string; quantity: number }[], extra: Record<string, unknown> = {}) => ({
  locationId: berlin.id,
  lines,
  idempotencyKey: freshKey(),
  reference: 'cart_test',
  ...extra,
});

/** One unit each of two variants, every other request naming them the other way round. */
const crossingLines = (a: string, b: string, index: number) => {
  const [first, second] = index % 2 === 0 ? [a, b] : [b, a];
  return [
    { variantId: first, quantity: 1 },
    { variantId: second, quantity: 1 },
  ];
};

describe('reserving stock for a checkout', () => {
  it('holds the units, returns the reservation and lowers what is available', async () => {
    const variantId = await stockAt(200, 5);
    const data = expectData(await asCart()(RESERVE, { input: reserveInput([{ variantId, quantity: 2 }]) }));
    const { reservation, userErrors } = data.reserveInventory;
    expect(userErrors).toEqual([]);
    expect(reservation).toMatchObject({ status: 'ACTIVE', reference: 'cart_test', lines: [{ variantId, quantity: 2 }], location: { id: berlin.id } });
    const expiresIn = new Date(reservation.expiresAt).getTime() - Date.now();
    expect(expiresIn).toBeGreaterThan(14 * 60_000);
    expect(expiresIn).toBeLessThanOrEqual(15 * 60_000);
    expect(await level(variantId)).toEqual({ onHand: 5, reserved: 2, available: 3 });
    const shopperView = expectData(
      await catalog.as(callers.anonymous())('query($id: ID!, $loc: ID!) { variant(id: $id) { availability(locationId: $loc) { available reserved } } }', {
        id: variantId,
        loc: berlin.id,
      }),
    );
    expect(shopperView.variant.availability).toEqual({ available: 3, reserved: null });
  });

  it('replays the first result for a repeated key and refuses the key for another request', async () => {
    const variantId = await stockAt(201, 5);
    const input = reserveInput([{ variantId, quantity: 2 }]);
    const first = expectData(await asCart()(RESERVE, { input })).reserveInventory;
    const again = expectData(await asCart()(RESERVE, { input })).reserveInventory;
    expect(again.reservation.id).toBe(first.reservation.id);
    expect(await level(variantId)).toMatchObject({ reserved: 2 });
    const reused = expectData(await asCart()(RESERVE, { input: { ...input, lines: [{ variantId, quantity: 3 }] } })).reserveInventory;
    expect(reused).toEqual({ reservation: null, userErrors: [{ code: 'IDEMPOTENCY_KEY_REUSED', field: ['input', 'idempotencyKey'], message: expect.any(String) }] });
    expect(await level(variantId)).toMatchObject({ reserved: 2 });
    // Keys belong to the service that made them: another service's identical key is its own.
    const other = expectData(await catalog.as(callers.service('checkout'), 'checkout')(RESERVE, { input })).reserveInventory;
    expect(other.reservation.id).not.toBe(first.reservation.id);
    expect(await level(variantId)).toMatchObject({ reserved: 4 });
  });

  it('holds all lines or none, and names each line that is short', async () => {
    const plenty = await stockAt(202, 10);
    const scarce = await stockAt(203, 1, 1);
    const data = expectData(
      await asCart()(RESERVE, { input: reserveInput([{ variantId: plenty, quantity: 3 }, { variantId: scarce, quantity: 1 }]) }),
    ).reserveInventory;
    expect(data.reservation).toBeNull();
    expect(data.userErrors).toEqual([{ code: 'OUT_OF_STOCK', field: ['input', 'lines', '1', 'quantity'], message: 'Out of stock at Berlin Mitte' }]);
    expect(await level(plenty)).toEqual({ onHand: 10, reserved: 0, available: 10 });
    const tooMany = expectData(await asCart()(RESERVE, { input: reserveInput([{ variantId: plenty, quantity: 11 }]) })).reserveInventory;
    expect(tooMany.userErrors[0]).toMatchObject({ code: 'OUT_OF_STOCK', message: 'Only 10 available at Berlin Mitte; cannot reserve 11' });
  });

  it('refuses bad input with field paths and changes nothing', async () => {
    const variantId = await stockAt(204, 4);
    const cases: [Record<string, unknown>, string, string[]][] = [
      [reserveInput([{ variantId, quantity: -1 }]), 'INVALID', ['input', 'lines', '0', 'quantity']],
      [reserveInput([{ variantId, quantity: 0 }]), 'INVALID', ['input', 'lines', '0', 'quantity']],
      [reserveInput([{ variantId: 'var_00000000000000000000000000', quantity: 1 }]), 'NOT_FOUND', ['input', 'lines', '0', 'variantId']],
      [reserveInput([{ variantId: 'prod_x', quantity: 1 }]), 'INVALID', ['input', 'lines', '0', 'variantId']],
      [reserveInput([]), 'INVALID', ['input', 'lines']],
      [reserveInput([{ variantId, quantity: 1 }, { variantId, quantity: 1 }]), 'INVALID', ['input', 'lines', '1', 'variantId']],
      [reserveInput([{ variantId, quantity: 1 }], { expiresInSeconds: 5 }), 'INVALID', ['input', 'expiresInSeconds']],
      [reserveInput([{ variantId, quantity: 1 }], { locationId: 'loc_00000000000000000000000000' }), 'NOT_FOUND', ['input', 'locationId']],
    ];
    for (const [input, code, field] of cases) {
      const data = expectData(await asCart()(RESERVE, { input })).reserveInventory;
      expect(data.reservation, JSON.stringify(input)).toBeNull();
      expect(data.userErrors[0]).toMatchObject({ code, field });
    }
    expect(await level(variantId)).toEqual({ onHand: 4, reserved: 0, available: 4 });
    expect(await catalog.database.db.select().from(inventoryReservations).where(eq(inventoryReservations.reference, 'never'))).toEqual([]);
  });

  it('is an internal operation: shoppers, staff, admins and partners are refused', async () => {
    const variantId = await stockAt(205, 4);
    for (const caller of [callers.anonymous(), callers.admin(), callers.partner(), callers.staff('staff_x', berlin.id)]) {
      const response = await catalog.as(caller)(RESERVE, { input: reserveInput([{ variantId, quantity: 1 }]) });
      expect(response.errors?.[0]?.extensions?.code, caller.kind).toBe('FORBIDDEN');
    }
    expect(await level(variantId)).toMatchObject({ reserved: 0 });
  });
});

describe('ending a reservation', () => {
  it('releases the units once, however often it is asked', async () => {
    const variantId = await stockAt(206, 6);
    const { reservation } = expectData(await asCart()(RESERVE, { input: reserveInput([{ variantId, quantity: 4 }]) })).reserveInventory;
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const released = expectData(await asCart()(RELEASE, { input: { reservationId: reservation.id } })).releaseInventoryReservation;
      expect(released).toEqual({ reservation: { id: reservation.id, status: 'RELEASED' }, userErrors: [] });
    }
    expect(await level(variantId)).toEqual({ onHand: 6, reserved: 0, available: 6 });
    const commit = expectData(await asCart()(COMMIT, { input: { reservationId: reservation.id } })).commitInventoryReservation;
    expect(commit.userErrors[0]).toMatchObject({ code: 'INVALID_STATE', field: ['input', 'reservationId'] });
  });

  it('commits: the units leave stock on hand once and the audit trail records the sale', async () => {
    const variantId = await stockAt(207, 6);
    const { reservation } = expectData(await asCart()(RESERVE, { input: reserveInput([{ variantId, quantity: 2 }]) })).reserveInventory;
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const committed = expectData(await asCart()(COMMIT, { input: { reservationId: reservation.id } })).commitInventoryReservation;
      expect(committed).toEqual({ reservation: { id: reservation.id, status: 'COMMITTED' }, userErrors: [] });
    }
    expect(await level(variantId)).toEqual({ onHand: 4, reserved: 0, available: 4 });
    const trail = await catalog.database.db
      .select()
      .from(inventoryAdjustments)
      .where(and(eq(inventoryAdjustments.variantId, variantId), eq(inventoryAdjustments.locationId, berlin.id)));
    expect(trail).toHaveLength(1);
    expect(trail[0]).toMatchObject({ delta: -2, reason: 'SOLD', onHandAfter: 4 });
    const release = expectData(await asCart()(RELEASE, { input: { reservationId: reservation.id } })).releaseInventoryReservation;
    expect(release.userErrors[0]).toMatchObject({ code: 'INVALID_STATE' });
  });

  it('releases lapsed reservations, and a lapsed one cannot be committed', async () => {
    const variantId = await stockAt(208, 5);
    const lapsing = expectData(await asCart()(RESERVE, { input: reserveInput([{ variantId, quantity: 2 }], { expiresInSeconds: 60 }) }))
      .reserveInventory.reservation;
    const lasting = expectData(await asCart()(RESERVE, { input: reserveInput([{ variantId, quantity: 1 }]) })).reserveInventory.reservation;
    expect(await level(variantId)).toMatchObject({ reserved: 3 });

    const inTwoMinutes = new Date(Date.now() + 120_000);
    expect(await releaseExpiredReservations(catalog.database.db, { now: inTwoMinutes })).toBeGreaterThanOrEqual(1);
    expect(await level(variantId)).toMatchObject({ reserved: 1 });
    const status = async (id: string) =>
      expectData(await asCart()('query($id: ID!) { inventoryReservation(id: $id) { status } }', { id })).inventoryReservation.status;
    expect(await status(lapsing.id)).toBe('EXPIRED');
    expect(await status(lasting.id)).toBe('ACTIVE');

    // Past its expiry but not yet swept: committing releases it instead.
    await catalog.database.db.update(inventoryReservations).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(inventoryReservations.id, lasting.id));
    const commit = expectData(await asCart()(COMMIT, { input: { reservationId: lasting.id } })).commitInventoryReservation;
    expect(commit.userErrors[0]).toMatchObject({ code: 'INVALID_STATE', message: expect.stringMatching(/expired/) });
    expect(await status(lasting.id)).toBe('EXPIRED');
    expect(await level(variantId)).toEqual({ onHand: 5, reserved: 0, available: 5 });
  });

  it("does not show or settle another service's reservation", async () => {
    const variantId = await stockAt(209, 5);
    const { reservation } = expectData(await asCart()(RESERVE, { input: reserveInput([{ variantId, quantity: 1 }]) })).reserveInventory;
    const other = catalog.as(callers.service('support'), 'support');
    const release = expectData(await other(RELEASE, { input: { reservationId: reservation.id } })).releaseInventoryReservation;
    expect(release.userErrors[0]).toMatchObject({ code: 'NOT_FOUND' });
    expect(expectData(await other('query($id: ID!) { inventoryReservation(id: $id) { id } }', { id: reservation.id })).inventoryReservation).toBeNull();
    expect(await level(variantId)).toMatchObject({ reserved: 1 });
  });
});

describe('a checkout of several lines', () => {
  it('commits each line to stock, the audit trail, the partner feed and the events', async () => {
    const lines = [
      { variantId: await stockAt(217, 10), quantity: 3 },
      { variantId: await stockAt(215, 10), quantity: 1 },
      { variantId: await stockAt(216, 10), quantity: 2 },
    ];
    const { reservation } = expectData(await asCart()(RESERVE, { input: reserveInput(lines) })).reserveInventory;
    expect(reservation.lines).toEqual(lines);
    const feedBefore = new Date();
    const committed = expectData(await asCart()(COMMIT, { input: { reservationId: reservation.id } })).commitInventoryReservation;
    expect(committed).toEqual({ reservation: { id: reservation.id, status: 'COMMITTED' }, userErrors: [] });

    const variantIds = lines.map((line) => line.variantId);
    const trail = await catalog.database.db.select().from(inventoryAdjustments).where(inArray(inventoryAdjustments.variantId, variantIds)).orderBy(asc(inventoryAdjustments.variantId));
    expect(trail).toEqual(
      [...lines]
        .sort((a, b) => a.variantId.localeCompare(b.variantId))
        .map((line) => ({
          id: expect.stringMatching(/^adj_/),
          variantId: line.variantId,
          locationId: berlin.id,
          delta: -line.quantity,
          reason: 'SOLD',
          note: `Reservation ${reservation.id} committed for cart_test`,
          onHandAfter: 10 - line.quantity,
          shortfallAfter: 0,
          staffId: null,
          idempotencyKey: `${reservation.id}:${line.variantId}`,
          requestFingerprint: JSON.stringify(['reservation', reservation.id, line.variantId, line.quantity]),
          createdAt: expect.any(Date),
        })),
    );
    for (const line of lines) expect(await level(line.variantId)).toEqual({ onHand: 10 - line.quantity, reserved: 0, available: 10 - line.quantity });

    const productIds = [215, 216, 217].map((index) => products[index]!.id);
    const feed = await catalog.database.db.select().from(catalogFeed).where(inArray(catalogFeed.productId, productIds));
    expect(feed.map((row) => row.productId).sort()).toEqual([...productIds].sort());
    for (const row of feed) expect(row.changedAt.getTime()).toBeGreaterThanOrEqual(feedBefore.getTime() - 5_000);

    const events = await catalog.database.db
      .select({ type: outboxEvents.type, aggregateId: outboxEvents.aggregateId, payload: outboxEvents.payload })
      .from(outboxEvents)
      .where(inArray(outboxEvents.aggregateId, [...variantIds, ...productIds]))
      .orderBy(asc(outboxEvents.id));
    // Reserving and committing each: stock.changed per variant, product.changed per product.
    for (const [index, variantId] of variantIds.entries()) {
      const productId = products[[217, 215, 216][index]!]!.id;
      expect(events.filter((event) => event.aggregateId === variantId)).toEqual([
        { type: 'stock.changed', aggregateId: variantId, payload: { variantId, productId, locationIds: [berlin.id] } },
        { type: 'stock.changed', aggregateId: variantId, payload: { variantId, productId, locationIds: [berlin.id] } },
      ]);
      expect(events.filter((event) => event.aggregateId === productId)).toEqual([
        { type: 'product.changed', aggregateId: productId, payload: { productId, variantIds: [variantId], changes: ['stock'] } },
        { type: 'product.changed', aggregateId: productId, payload: { productId, variantIds: [variantId], changes: ['stock'] } },
      ]);
    }
  });

  it('gives lapsed holds back before counting what is free', async () => {
    const variantId = await stockAt(218, 2);
    const lapsing = expectData(await asCart()(RESERVE, { input: reserveInput([{ variantId, quantity: 2 }], { expiresInSeconds: 60 }) })).reserveInventory.reservation;
    const refused = expectData(await asCart()(RESERVE, { input: reserveInput([{ variantId, quantity: 1 }]) })).reserveInventory;
    expect(refused.userErrors[0]).toMatchObject({ code: 'OUT_OF_STOCK' });
    await catalog.database.db.update(inventoryReservations).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(inventoryReservations.id, lapsing.id));
    const held = expectData(await asCart()(RESERVE, { input: reserveInput([{ variantId, quantity: 2 }]) })).reserveInventory;
    expect(held.userErrors).toEqual([]);
    const [lapsed] = await catalog.database.db.select().from(inventoryReservations).where(eq(inventoryReservations.id, lapsing.id));
    expect(lapsed!.status).toBe('EXPIRED');
    expect(await level(variantId)).toEqual({ onHand: 2, reserved: 2, available: 0 });
  });
});

describe('racing checkouts (real concurrent transactions)', () => {
  it.skipIf(!onPostgresServer())('gives the last unit to exactly one of two checkouts', async () => {
    const variantId = await stockAt(210, 1);
    const results = await Promise.all(
      [0, 1].map(async () => expectData(await asCart()(RESERVE, { input: reserveInput([{ variantId, quantity: 1 }]) })).reserveInventory),
    );
    const winners = results.filter((result) => result.reservation !== null);
    const losers = results.filter((result) => result.reservation === null);
    expect(winners).toHaveLength(1);
    expect(losers).toHaveLength(1);
    expect(losers[0].userErrors).toEqual([{ code: 'OUT_OF_STOCK', field: ['input', 'lines', '0', 'quantity'], message: 'Out of stock at Berlin Mitte' }]);
    expect(await level(variantId)).toEqual({ onHand: 1, reserved: 1, available: 0 });
  });

  it.skipIf(!onPostgresServer())('leaves exactly 0 available when 50 checkouts race for 10 units', async () => {
    const variantId = await stockAt(211, 10);
    const results = await Promise.all(
      Array.from({ length: 50 }, async () => expectData(await asCart()(RESERVE, { input: reserveInput([{ variantId, quantity: 1 }]) })).reserveInventory),
    );
    expect(results.filter((result) => result.reservation !== null)).toHaveLength(10);
    expect(results.filter((result) => result.userErrors[0]?.code === 'OUT_OF_STOCK')).toHaveLength(40);
    expect(await level(variantId)).toEqual({ onHand: 10, reserved: 10, available: 0 });
  });

  it.skipIf(!onPostgresServer())('holds stock once when the same key arrives 10 times at once', async () => {
    const variantId = await stockAt(212, 10);
    const input = reserveInput([{ variantId, quantity: 3 }]);
    const results = await Promise.all(Array.from({ length: 10 }, async () => expectData(await asCart()(RESERVE, { input })).reserveInventory));
    expect(new Set(results.map((result) => result.reservation?.id)).size).toBe(1);
    expect(await level(variantId)).toMatchObject({ reserved: 3 });
  });

  it.skipIf(!onPostgresServer())('does not deadlock when checkouts take overlapping variants in opposite orders', async () => {
    const a = await stockAt(213, 40);
    const b = await stockAt(214, 40);
    const results = await Promise.all(
      Array.from({ length: 20 }, async (_, index) => {
        const lines = crossingLines(a, b, index);
        return expectData(await asCart()(RESERVE, { input: reserveInput(lines) })).reserveInventory;
      }),
    );
    expect(results.every((result) => result.reservation !== null)).toBe(true);
    expect(await level(a)).toMatchObject({ reserved: 20 });
    expect(await level(b)).toMatchObject({ reserved: 20 });
  });

  it.skipIf(!onPostgresServer())('settles reservations that share variants all at once without deadlock, to the unit', async () => {
    const a = await stockAt(219, 40);
    const b = await stockAt(220, 40);
    const reservations = await Promise.all(
      Array.from({ length: 20 }, async (_, index) => {
        const lines = crossingLines(a, b, index);
        return expectData(await asCart()(RESERVE, { input: reserveInput(lines) })).reserveInventory.reservation;
      }),
    );
    const settled = await Promise.all(
      reservations.map(async (reservation, index) =>
        index % 2 === 0
          ? expectData(await asCart()(COMMIT, { input: { reservationId: reservation.id } })).commitInventoryReservation
          : expectData(await asCart()(RELEASE, { input: { reservationId: reservation.id } })).releaseInventoryReservation,
      ),
    );
    expect(settled.every((result) => result.userErrors.length === 0)).toBe(true);
    expect(await level(a)).toEqual({ onHand: 30, reserved: 0, available: 30 });
    expect(await level(b)).toEqual({ onHand: 30, reserved: 0, available: 30 });
  });

  it.skipIf(!onPostgresServer())('lets exactly one of a racing commit and release of the same reservation happen', async () => {
    const variantId = await stockAt(221, 5);
    const { reservation } = expectData(await asCart()(RESERVE, { input: reserveInput([{ variantId, quantity: 2 }]) })).reserveInventory;
    const [commit, release] = await Promise.all([
      asCart()(COMMIT, { input: { reservationId: reservation.id } }).then((response) => expectData(response).commitInventoryReservation),
      asCart()(RELEASE, { input: { reservationId: reservation.id } }).then((response) => expectData(response).releaseInventoryReservation),
    ]);
    const winners = [commit, release].filter((result) => result.userErrors.length === 0);
    expect(winners).toHaveLength(1);
    expect([commit, release].find((result) => result.userErrors.length > 0)!.userErrors[0]).toMatchObject({ code: 'INVALID_STATE' });
    expect(await level(variantId)).toEqual(winners[0] === commit ? { onHand: 3, reserved: 0, available: 3 } : { onHand: 5, reserved: 0, available: 5 });
  });
});
