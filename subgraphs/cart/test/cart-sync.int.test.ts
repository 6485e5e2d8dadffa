import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '@omni/db';
import { demoCatalog, integerBetween, pick, seededRandom } from '@omni/demo-data';
import { callers, expectData } from '@omni/testing';
import { findSyncLog } from '../src/db/cart-sync-queries';
import { applySyncOperation, type SyncFacts, type SyncOperation, type SyncState } from '../src/services/cart-sync-merge';
import { BERLIN, CASHIER, HAMBURG, setOnlyStock, startCheckoutHarness, type CheckoutHarness } from './checkout-helpers';

/**
 * `syncCart` against a real database: devices that go offline, upload late, twice and out of
 * order, and the batches it must refuse as a whole.
 */
let h: CheckoutHarness;
beforeAll(async () => {
  h = await startCheckoutHarness();
});
afterAll(async () => {
  await h?.stop();
});

const SYNC = `mutation($input: SyncCartInput!) { syncCart(input: $input) {
  cart { id version couponCodes customer { id } lines(first: 100) { edges { node { variant { id } quantity } } } }
  results { opId status reason quantity replayed } changedElsewhere userErrors { code field message } } }`;

interface SyncView {
  cart: { id: string; version: number; couponCodes: string[]; customer: { id: string } | null; lines: { edges: { node: { variant: { id: string }; quantity: number } }[] } } | null;
  results: { opId: string; status: string; reason: string | null; quantity: number | null; replayed: boolean }[];
  changedElsewhere: boolean;
  userErrors: { code: string; field: string[] | null; message: string }[];
}

/** Variants offered everywhere, each a fresh one the other tests of this file do not touch. */
const everywhere = demoCatalog().products.filter((product) => product.channels.includes('WEB') && product.channels.includes('POS')).map((product) => product.variants[0]!);
let nextVariant = 0;
const variantsFor = (count: number) => everywhere.slice(nextVariant, (nextVariant += count));

const cashier = (channel: 'POS' = 'POS') => h.as(callers.staff(CASHIER.id, CASHIER.homeLocationId, channel, 'CASHIER'));

/** A customer's cart opened at the Berlin till, so the customer's devices and Berlin's tills may sync it. */
async function tillCartOfCustomer(): Promise<{ cartId: string; customerId: string }> {
  const customerId = newId('cus');
  const created = expectData(await cashier()(`mutation($input: CreateCartInput!) { createCart(input: $input) { cart { id store { id } } userErrors { code } } }`, { input: { customerId, storeId: BERLIN.id } })).createCart;
  expect(created.cart.store.id).toBe(BERLIN.id);
  return { cartId: created.cart.id, customerId };
}

async function sync(client: ReturnType<CheckoutHarness['as']>, input: Record<string, unknown>): Promise<SyncView> {
  return expectData(await client(SYNC, { input })).syncCart as SyncView;
}

const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();

describe('syncCart simulation', () => {
  it('K=4 tills and a web client under partitions, duplicates and reordering converge on the serial application of the log', async () => {
    const random = seededRandom(20261128);
    const variants = variantsFor(4);
    const STOCK = 12;
    for (const variant of variants) await setOnlyStock(h, variant.id, { [BERLIN.id]: STOCK });
    const { cartId, customerId } = await tillCartOfCustomer();

    interface Device {
      id: string;
      client: ReturnType<CheckoutHarness['as']>;
      made: Record<string, unknown>[];
      unacknowledged: Record<string, unknown>[];
      online: boolean;
      lastSeenVersion: number;
    }
    const devices: Device[] = [
      ...[1, 2, 3, 4].map((n) => ({ id: `till-${n}`, client: cashier(), made: [], unacknowledged: [], online: true, lastSeenVersion: 1 })),
      { id: 'web-1', client: h.as(callers.customer(customerId, 'WEB')), made: [], unacknowledged: [], online: true, lastSeenVersion: 1 },
    ];
    const codes = ['SPRING', 'VIP', 'TEN'];
    let clock = 0;
    const makeOperation = (device: Device) => {
      const kind = pick(random, ['ADD_LINE', 'ADD_LINE', 'SET_QUANTITY', 'SET_QUANTITY', 'REMOVE_LINE', 'APPLY_COUPON', 'REMOVE_COUPON'] as const);
      const variantId = pick(random, variants).id;
      // Device clocks disagree by up to a minute; the simulated day runs within the last hour.
      const deviceTime = new Date(Date.now() - 3_600_000 + (clock += 1000) + integerBetween(random, -60_000, 60_000)).toISOString();
      const op: Record<string, unknown> = { opId: `${device.id}-${device.made.length}`, deviceTime, kind };
      if (kind === 'ADD_LINE') Object.assign(op, { variantId, quantity: integerBetween(random, 1, 3) });
      if (kind === 'SET_QUANTITY') Object.assign(op, { variantId, quantity: integerBetween(random, 0, 6) });
      if (kind === 'REMOVE_LINE') Object.assign(op, { variantId });
      if (kind === 'APPLY_COUPON' || kind === 'REMOVE_COUPON') Object.assign(op, { couponCode: pick(random, codes) });
      device.made.push(op);
      device.unacknowledged.push(op);
    };
    const shuffled = <T>(items: T[]) => items.map((item) => [random(), item] as const).sort((a, b) => a[0] - b[0]).map(([, item]) => item);
    const upload = async (device: Device, everything = false) => {
      // Reordered, with already acknowledged operations sent again now and then (a lost answer).
      const resend = device.made.filter((op) => !device.unacknowledged.includes(op) && random() < 0.2);
      const batch = shuffled([...(everything ? device.unacknowledged : device.unacknowledged.filter(() => random() < 0.7)), ...resend]);
      const answer = await sync(device.client, { cartId, deviceId: device.id, baseVersion: device.lastSeenVersion, operations: batch });
      expect(answer.userErrors).toEqual([]);
      expect(answer.results.map((result) => result.opId)).toEqual(batch.map((op) => op.opId));
      // The answer is lost on the way back now and then: the device will send the same operations again.
      if (!everything && random() < 0.2) return;
      device.unacknowledged = device.unacknowledged.filter((op) => !batch.includes(op));
      device.lastSeenVersion = answer.cart!.version;
    };

    for (let step = 0; step < 60; step++) {
      for (const device of devices) if (random() < 0.15) device.online = !device.online;
      for (const device of devices) if (random() < 0.6) makeOperation(device);
      // Online devices upload concurrently: the cart lock orders them.
      await Promise.all(devices.filter((device) => device.online && device.unacknowledged.length > 0 && random() < 0.5).map((device) => upload(device)));
    }
    // The partition heals: everyone uploads what is left, in a random order, then pulls.
    for (const device of shuffled(devices)) await upload(device, true);
    const finals = await Promise.all(devices.map((device) => sync(device.client, { cartId, deviceId: device.id, baseVersion: 1, operations: [] })));

    // No operation lost, none applied twice: the log holds each operation exactly once.
    const log = await findSyncLog(h.cartDatabase.db, cartId);
    const made = devices.flatMap((device) => device.made.map((op) => op.opId as string));
    expect(log.map((row) => row.opId).sort()).toEqual([...made].sort());
    expect(made.length).toBeGreaterThan(100);

    // The cart is the serial application of the log, in its order, from the empty cart; each
    // logged result is what that application says.
    const state: SyncState = { lines: new Map(), couponCodes: [], customerId, guestOwned: false };
    const facts: SyncFacts = { available: () => STOCK, customer: () => 'ok' };
    for (const row of log) {
      const replayed = applySyncOperation(state, row.operation as SyncOperation, facts);
      expect({ opId: row.opId, status: row.status, reason: row.reason, quantity: row.quantity }).toEqual({ opId: replayed.opId, status: replayed.status, reason: replayed.reason, quantity: replayed.quantity });
    }
    const expected = Object.fromEntries([...state.lines].map(([variantId, line]) => [variantId, line.quantity]));
    const statuses = new Set(log.map((row) => `${row.status}/${row.reason}`));
    expect(statuses.has('MERGED/SUPERSEDED') || statuses.has('REJECTED/LINE_REMOVED')).toBe(true);

    // Every device converges to that one cart.
    for (const final of finals) {
      expect(final.cart).toEqual(finals[0]!.cart);
      expect(Object.fromEntries(final.cart!.lines.edges.map((edge) => [edge.node.variant.id, edge.node.quantity]))).toEqual(expected);
      expect(final.cart!.couponCodes).toEqual(state.couponCodes);
    }
  });

  it('answers a re-upload from the log without applying it again, and caps by availability', async () => {
    const [variant] = variantsFor(1);
    await setOnlyStock(h, variant!.id, { [BERLIN.id]: 5 });
    const { cartId } = await tillCartOfCustomer();
    const batch = [
      { opId: 'a1', deviceTime: minutesAgo(10), kind: 'ADD_LINE', variantId: variant!.id, quantity: 3 },
      { opId: 'a2', deviceTime: minutesAgo(9), kind: 'ADD_LINE', variantId: variant!.id, quantity: 3 },
      { opId: 'a3', deviceTime: minutesAgo(8), kind: 'APPLY_COUPON', couponCode: ' spring ' },
    ];
    const first = await sync(cashier(), { cartId, deviceId: 'till-1', baseVersion: 1, operations: batch });
    expect(first.results).toEqual([
      { opId: 'a1', status: 'APPLIED', reason: null, quantity: 3, replayed: false },
      { opId: 'a2', status: 'MERGED', reason: 'CAPPED', quantity: 5, replayed: false },
      { opId: 'a3', status: 'APPLIED', reason: null, quantity: null, replayed: false },
    ]);
    expect(first.cart).toMatchObject({ version: 2, couponCodes: ['SPRING'], lines: { edges: [{ node: { quantity: 5 } }] } });
    const [again, concurrently] = await Promise.all([
      sync(cashier(), { cartId, deviceId: 'till-1', baseVersion: 1, operations: [...batch].reverse() }),
      sync(cashier(), { cartId, deviceId: 'till-1', baseVersion: 1, operations: batch }),
    ]);
    for (const answer of [again, concurrently]) {
      expect(answer.cart!.version).toBe(2);
      expect(answer.results.every((result) => result.replayed)).toBe(true);
    }
    expect(again.results.map((result) => result.opId)).toEqual(['a3', 'a2', 'a1']);
    expect(again.changedElsewhere).toBe(true);
  });

  it('refuses a malformed batch as a whole and applies nothing of it', async () => {
    const [variant] = variantsFor(1);
    await setOnlyStock(h, variant!.id, { [BERLIN.id]: 50 });
    const { cartId } = await tillCartOfCustomer();
    const good = { opId: 'g1', deviceTime: minutesAgo(1), kind: 'ADD_LINE', variantId: variant!.id, quantity: 1 };
    await sync(cashier(), { cartId, deviceId: 'till-1', baseVersion: 1, operations: [good] });
    const refused = async (operations: unknown[], extra: Record<string, unknown> = {}) =>
      sync(extra.client === 'hamburg' ? h.as(callers.staff(newId('staff'), HAMBURG.id, 'POS', 'CASHIER')) : cashier(), { cartId, deviceId: 'till-1', baseVersion: 2, operations, ...(extra.input as object) });

    const unknownKind = await h.as(callers.staff(CASHIER.id, CASHIER.homeLocationId, 'POS', 'CASHIER'))(SYNC, { input: { cartId, deviceId: 't', baseVersion: 1, operations: [{ ...good, opId: 'x', kind: 'EXPLODE' }] } });
    expect(unknownKind.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');

    const tooMany = Array.from({ length: 10_001 }, (_, index) => ({ ...good, opId: `m${index}` }));
    expect((await refused(tooMany)).userErrors).toEqual([expect.objectContaining({ code: 'INVALID', field: ['input', 'operations'] })]);
    const reused = await refused([{ ...good, opId: 'n1' }, { ...good, quantity: 2 }]);
    expect(reused.userErrors).toEqual([expect.objectContaining({ code: 'IDEMPOTENCY_KEY_REUSED', field: ['input', 'operations', '1', 'opId'] })]);
    const future = await refused([{ ...good, opId: 'n2' }, { ...good, opId: 'n3', deviceTime: new Date(Date.now() + 86_400_000).toISOString() }]);
    expect(future.userErrors).toEqual([expect.objectContaining({ code: 'INVALID', field: ['input', 'operations', '1', 'deviceTime'] })]);
    const missing = await refused([{ ...good, opId: 'n4', quantity: null }]);
    expect(missing.userErrors[0]).toMatchObject({ code: 'INVALID', field: ['input', 'operations', '0', 'quantity'] });
    const otherStore = await refused([{ ...good, opId: 'n5' }], { client: 'hamburg' });
    expect(otherStore.userErrors).toEqual([expect.objectContaining({ code: 'FORBIDDEN', field: ['input', 'cartId'] })]);
    const customerSetsCustomer = await sync(h.as(callers.customer(newId('cus'), 'WEB')), { cartId, deviceId: 'phone', baseVersion: 1, operations: [{ opId: 'n6', deviceTime: minutesAgo(1), kind: 'SET_CUSTOMER', customerId: newId('cus') }] });
    expect(customerSetsCustomer.userErrors[0]!.code).toBe('FORBIDDEN');
    const aheadOfCart = await refused([{ ...good, opId: 'n7' }], { input: { baseVersion: 99 } });
    expect(aheadOfCart.userErrors).toEqual([expect.objectContaining({ code: 'INVALID', field: ['input', 'baseVersion'] })]);

    // Nothing of any refused batch was applied or logged.
    const log = await findSyncLog(h.cartDatabase.db, cartId);
    expect(log.map((row) => row.opId)).toEqual(['g1']);
    const pulled = await sync(cashier(), { cartId, deviceId: 'till-1', baseVersion: 2, operations: [] });
    expect(pulled.cart).toMatchObject({ version: 2, lines: { edges: [{ node: { quantity: 1 } }] } });
  });

  it('reconciles 1,000 queued operations in one upload quickly', async () => {
    const variants = variantsFor(20);
    for (const variant of variants) await setOnlyStock(h, variant.id, { [BERLIN.id]: 900 });
    const { cartId } = await tillCartOfCustomer();
    const operations = Array.from({ length: 1000 }, (_, index) => ({
      opId: `q${index}`,
      deviceTime: new Date(Date.now() - 3_600_000 + index * 1000).toISOString(),
      kind: index % 3 === 2 ? 'SET_QUANTITY' : 'ADD_LINE',
      variantId: variants[index % variants.length]!.id,
      quantity: (index % 5) + 1,
    }));
    const started = performance.now();
    const answer = await sync(cashier(), { cartId, deviceId: 'till-1', baseVersion: 1, operations });
    const elapsed = performance.now() - started;
    expect(answer.userErrors).toEqual([]);
    expect(answer.results).toHaveLength(1000);
    expect(answer.cart!.lines.edges).toHaveLength(20);
    expect(elapsed).toBeLessThan(5_000);
  });
});
