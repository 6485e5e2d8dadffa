import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, asc, eq } from 'drizzle-orm';
import { demoStaffMember } from '@omni/demo-data';
import { newId } from '@omni/db';
import { callers, expectData, onPostgresServer } from '@omni/testing';
import { loyaltyEntries, outboxEvents } from '../src/db/schema';
import { startCustomerHarness, type CustomerHarness } from './support/customer-harness';

let h: CustomerHarness;
beforeAll(async () => {
  h = await startCustomerHarness({ reminderSender: null });
});
afterAll(async () => {
  await h?.stop();
});

const cashier = demoStaffMember('berlin-cashier');
const staff = () => h.as(callers.staff(cashier.id, cashier.homeLocationId, 'POS'));
const cart = () => h.as(callers.service('cart'));
const key = () => newId('key');

const RECEIVE = `mutation($events: [DomainEventInput!]!) { receiveCustomerEvents(events: $events) { accepted } }`;
const EARN = `mutation($input: EarnLoyaltyPointsInput!) { earnLoyaltyPoints(input: $input) { account { balance } userErrors { code } } }`;
const ACCOUNT = `query($id: ID!) { customer(id: $id) { loyalty { balance lifetimeEarned entries(first: 100) { edges { node { kind points reason pointsNotReversed order { id } expiresAt } } } } } }`;
const PAYMENT_FIELDS = `payment { idempotencyKey customerId points orderReference status entry { id kind points order { id } } refundEntry { id kind points } } account { balance } userErrors { code field message }`;
const PAY = `mutation($input: PayWithLoyaltyPointsInput!) { payWithLoyaltyPoints(input: $input) { ${PAYMENT_FIELDS} } }`;
const REFUND = `mutation($input: RefundLoyaltyPaymentInput!) { refundLoyaltyPayment(input: $input) { ${PAYMENT_FIELDS} } }`;

let cards = 0;
async function newCustomer(): Promise<string> {
  cards += 1;
  const response = await staff()(`mutation($input: IdentifyCustomerInput!) { identifyCustomer(input: $input) { customer { id } } }`, {
    input: { identifiers: [{ kind: 'LOYALTY_CARD', value: `LC-FUNNEL-${process.pid}-${cards}`, verified: true }] },
  });
  return expectData(response).identifyCustomer.customer.id as string;
}

function event(type: string, payload: Record<string, unknown>, occurredAt = new Date().toISOString()) {
  return { id: newId('evt'), type, producer: 'cart', aggregateId: String(payload.orderId ?? 'x'), occurredAt, payload: JSON.stringify(payload) };
}
const placed = (customerId: string | null, orderId: string, money: { totalMinor: number; moneyPaidMinor?: number; loyaltyPointsPaid?: number; currencyCode?: string }) =>
  event('order.placed', { orderId, customerId, channel: 'WEB', currencyCode: 'EUR', ...money });
const returned = (customerId: string, orderId: string, refund: { returnId?: string; refundMinor: number; refundMoneyMinor?: number; refundPoints?: number }) =>
  event('order.returned', { orderId, customerId, channel: 'POS', currencyCode: 'EUR', ...refund, returnId: refund.returnId ?? newId('ret') });
const deliver = async (...events: object[]) => expectData(await cart()(RECEIVE, { events })).receiveCustomerEvents.accepted as number;

interface EntryNode {
  kind: string;
  points: number;
  reason: string;
  pointsNotReversed: number;
  order: { id: string } | null;
  expiresAt: string | null;
}
async function account(customerId: string): Promise<{ balance: number; lifetimeEarned: number; entries: EntryNode[] }> {
  const loyalty = expectData(await staff()(ACCOUNT, { id: customerId })).customer.loyalty;
  return { balance: loyalty.balance, lifetimeEarned: loyalty.lifetimeEarned, entries: loyalty.entries.edges.map((edge: { node: EntryNode }) => edge.node) };
}
async function earn(customerId: string, points: number) {
  expectData(await staff()(EARN, { input: { customerId, points, reason: 'bonus', idempotencyKey: key() } }));
}
async function outbox(type: string, customerId: string) {
  const rows = await h.database.db
    .select()
    .from(outboxEvents)
    .where(and(eq(outboxEvents.type, type), eq(outboxEvents.aggregateId, customerId)))
    .orderBy(asc(outboxEvents.id));
  return rows.map((row) => row.payload);
}

describe('points earned on placed orders', () => {
  it('earns 5 points per whole euro paid in money, once per order however often it is delivered', async () => {
    const customerId = await newCustomer();
    const orderId = newId('ord');
    const first = placed(customerId, orderId, { totalMinor: 15_099, moneyPaidMinor: 12_099, loyaltyPointsPaid: 3_000 });
    expect(await deliver(first)).toBe(1);
    expect(await deliver(first)).toBe(0);
    // The same order under another event id (a producer replay) earns nothing more either.
    expect(await deliver(placed(customerId, orderId, { totalMinor: 15_099, moneyPaidMinor: 12_099, loyaltyPointsPaid: 3_000 }))).toBe(1);
    const after = await account(customerId);
    expect(after).toMatchObject({ balance: 600, lifetimeEarned: 600 });
    expect(after.entries).toEqual([{ kind: 'EARN', points: 600, reason: `order ${orderId}`, pointsNotReversed: 0, order: { id: orderId }, expiresAt: expect.any(String) }]);
  });

  it('earns on the order total for events without the points fields, for the survivor of a merge', async () => {
    const survivor = await newCustomer();
    const merged = await newCustomer();
    expectData(await h.as(callers.admin())(`mutation($input: MergeCustomersInput!) { mergeCustomers(input: $input) { userErrors { code } } }`, { input: { survivorId: survivor, mergedId: merged, reason: 'same person' } }));
    await deliver(placed(merged, newId('ord'), { totalMinor: 4_250 }));
    expect((await account(survivor)).balance).toBe(210);
  });

  it('earns nothing for guests, or for orders paid entirely with points', async () => {
    expect(await deliver(placed(null, newId('ord'), { totalMinor: 10_000 }))).toBe(1);
    const customerId = await newCustomer();
    await deliver(placed(customerId, newId('ord'), { totalMinor: 2_000, moneyPaidMinor: 0, loyaltyPointsPaid: 2_000 }));
    expect(await account(customerId)).toMatchObject({ balance: 0, entries: [] });
  });
});

describe('points taken back on returns', () => {
  it('reverses in proportion to the money refunded, once per return, never more than was earned', async () => {
    const customerId = await newCustomer();
    const orderId = newId('ord');
    await deliver(placed(customerId, orderId, { totalMinor: 10_000 })); // 500 points
    const firstReturn = returned(customerId, orderId, { refundMinor: 3_333 });
    expect(await deliver(firstReturn)).toBe(1);
    expect(await deliver(firstReturn)).toBe(0);
    // The same return under another event id moves nothing again.
    const payload = JSON.parse(firstReturn.payload);
    await deliver(returned(customerId, orderId, { returnId: payload.returnId, refundMinor: 3_333 }));
    expect((await account(customerId)).balance).toBe(500 - 166);

    await deliver(returned(customerId, orderId, { refundMinor: 3_333 })); // 333 in total
    await deliver(returned(customerId, orderId, { refundMinor: 3_334 })); // everything: 500
    await deliver(returned(customerId, orderId, { refundMinor: 1_000 })); // more than was paid: nothing more
    const after = await account(customerId);
    expect(after.balance).toBe(0);
    expect(after.lifetimeEarned).toBe(0);
    expect(after.entries.filter((entry) => entry.kind === 'RETURN_REVERSAL').map((entry) => entry.points)).toEqual([-166, -167, -167]);
    expect(after.entries.every((entry) => entry.order?.id === orderId)).toBe(true);
  });

  it('gives back the points paid for returned goods, and takes the reversal from them first', async () => {
    const customerId = await newCustomer();
    const orderId = newId('ord');
    await deliver(placed(customerId, orderId, { totalMinor: 10_000, moneyPaidMinor: 6_000, loyaltyPointsPaid: 4_000 })); // 300 points
    await deliver(returned(customerId, orderId, { refundMinor: 5_000, refundMoneyMinor: 3_000, refundPoints: 2_000 }));
    const after = await account(customerId);
    expect(after.balance).toBe(300 + 2_000 - 150);
    expect(after.entries.slice(1).map(({ kind, points, pointsNotReversed }) => ({ kind, points, pointsNotReversed }))).toEqual([
      { kind: 'RETURN_REFUND', points: 2_000, pointsNotReversed: 0 },
      { kind: 'RETURN_REVERSAL', points: -150, pointsNotReversed: 0 },
    ]);
  });

  it('never takes the balance below zero: what was already spent is forgiven and recorded', async () => {
    const customerId = await newCustomer();
    const orderId = newId('ord');
    await deliver(placed(customerId, orderId, { totalMinor: 20_000 })); // 1,000 points
    const spent = expectData(await cart()(PAY, { input: { customerId, points: 900, idempotencyKey: key() } })).payWithLoyaltyPoints;
    expect(spent.userErrors).toEqual([]);
    await deliver(returned(customerId, orderId, { refundMinor: 20_000 }));
    const after = await account(customerId);
    expect(after.balance).toBe(0);
    expect(after.entries.at(-1)).toMatchObject({ kind: 'RETURN_REVERSAL', points: -100, pointsNotReversed: 900 });
  });

  it('applies a return delivered before its order: the placement takes back what was refunded', async () => {
    const customerId = await newCustomer();
    const orderId = newId('ord');
    await deliver(returned(customerId, orderId, { refundMinor: 5_000 }));
    expect((await account(customerId)).entries).toEqual([]);
    await deliver(placed(customerId, orderId, { totalMinor: 10_000 }));
    const after = await account(customerId);
    expect(after.balance).toBe(250);
    expect(after.entries.map((entry) => [entry.kind, entry.points])).toEqual([['EARN', 500], ['RETURN_REVERSAL', -250]]);
  });
});

describe('paying with points at checkout', () => {
  it('spends from the lots expiring first, replays the first result and refuses a reused key', async () => {
    const customerId = await newCustomer();
    await earn(customerId, 1_000);
    const orderId = newId('ord');
    const idempotencyKey = key();
    const paid = expectData(await cart()(PAY, { input: { customerId, points: 400, idempotencyKey, orderReference: orderId } })).payWithLoyaltyPoints;
    expect(paid).toMatchObject({
      payment: { idempotencyKey, customerId, points: 400, orderReference: orderId, status: 'PAID', entry: { kind: 'PAYMENT', points: -400, order: { id: orderId } }, refundEntry: null },
      account: { balance: 600 },
      userErrors: [],
    });
    const replay = expectData(await cart()(PAY, { input: { customerId, points: 400, idempotencyKey, orderReference: orderId } })).payWithLoyaltyPoints;
    expect(replay).toEqual(paid);
    const reused = expectData(await cart()(PAY, { input: { customerId, points: 401, idempotencyKey } })).payWithLoyaltyPoints;
    expect(reused).toMatchObject({ payment: null, account: null, userErrors: [{ code: 'IDEMPOTENCY_KEY_REUSED', field: ['input', 'idempotencyKey'] }] });
    expect((await account(customerId)).balance).toBe(600);
  });

  it('refuses a payment the balance does not cover, changing nothing', async () => {
    const customerId = await newCustomer();
    await earn(customerId, 100);
    const idempotencyKey = key();
    const refused = expectData(await cart()(PAY, { input: { customerId, points: 101, idempotencyKey } })).payWithLoyaltyPoints;
    expect(refused).toEqual({ payment: null, account: null, userErrors: [{ code: 'INSUFFICIENT_POINTS', field: ['input', 'points'], message: 'Not enough points: the balance is 100' }] });
    expect(await account(customerId)).toMatchObject({ balance: 100, entries: [{ kind: 'EARN', points: 100 }] });
    // Nothing was kept of the refused attempt: the key pays once the balance covers it.
    await earn(customerId, 1);
    expect(expectData(await cart()(PAY, { input: { customerId, points: 101, idempotencyKey } })).payWithLoyaltyPoints.userErrors).toEqual([]);
  });

  it('refunds into the lots the points came from, once', async () => {
    const customerId = await newCustomer();
    await earn(customerId, 300);
    const idempotencyKey = key();
    expectData(await cart()(PAY, { input: { customerId, points: 250, idempotencyKey } }));
    const refunded = expectData(await cart()(REFUND, { input: { idempotencyKey } })).refundLoyaltyPayment;
    expect(refunded).toMatchObject({ payment: { status: 'REFUNDED', points: 250, refundEntry: { kind: 'PAYMENT_REFUND', points: 250 } }, account: { balance: 300 }, userErrors: [] });
    expect(expectData(await cart()(REFUND, { input: { idempotencyKey } })).refundLoyaltyPayment).toEqual(refunded);
    const lots = await h.database.db.select().from(loyaltyEntries).where(and(eq(loyaltyEntries.customerId, customerId), eq(loyaltyEntries.kind, 'EARN')));
    expect(lots.map((lot) => lot.remaining)).toEqual([300]);
    // The payment itself replays as refunded: the saga learns where it stands.
    expect(expectData(await cart()(PAY, { input: { customerId, points: 250, idempotencyKey } })).payWithLoyaltyPoints.payment.status).toBe('REFUNDED');
    expect((await account(customerId)).balance).toBe(300);
  });

  it('treats a refund without a payment as a no-op, and refuses the payment arriving after it', async () => {
    const customerId = await newCustomer();
    await earn(customerId, 100);
    const idempotencyKey = key();
    expect(expectData(await cart()(REFUND, { input: { idempotencyKey } })).refundLoyaltyPayment).toEqual({ payment: null, account: null, userErrors: [] });
    const late = expectData(await cart()(PAY, { input: { customerId, points: 50, idempotencyKey } })).payWithLoyaltyPoints;
    expect(late.userErrors).toEqual([{ code: 'INVALID_STATE', field: ['input', 'idempotencyKey'], message: expect.stringContaining('refund') }]);
    expect((await account(customerId)).balance).toBe(100);
  });

  it('is for the checkout only, and refuses malformed requests', async () => {
    const customerId = await newCustomer();
    const input = { customerId, points: 1, idempotencyKey: key() };
    for (const caller of [callers.service('support'), callers.staff(cashier.id, cashier.homeLocationId), callers.customer(customerId), callers.admin()]) {
      const response = await h.as(caller)(PAY, { input });
      expect(response.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
    for (const bad of [{ ...input, points: 0 }, { ...input, points: 1.5 }, { ...input, idempotencyKey: 'short' }, { ...input, customerId: ' ' }]) {
      const response = await cart()(PAY, { input: bad });
      expect(response.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    }
    const unknown = expectData(await cart()(PAY, { input: { ...input, customerId: 'cus_nobody' } })).payWithLoyaltyPoints;
    expect(unknown.userErrors).toEqual([{ code: 'NOT_FOUND', field: ['input', 'customerId'], message: 'No such customer' }]);
  });

  it.skipIf(!onPostgresServer())('lets exactly 5 of 20 concurrent payments through against a balance covering 5', async () => {
    const customerId = await newCustomer();
    await earn(customerId, 500);
    const results = await Promise.all(Array.from({ length: 20 }, () => cart()(PAY, { input: { customerId, points: 100, idempotencyKey: key() } })));
    const payloads = results.map((result) => expectData(result).payWithLoyaltyPoints);
    expect(payloads.filter((payload) => payload.userErrors.length === 0)).toHaveLength(5);
    expect(payloads.filter((payload) => payload.userErrors[0]?.code === 'INSUFFICIENT_POINTS')).toHaveLength(15);
    const after = await account(customerId);
    expect(after.balance).toBe(0);
    expect(after.entries.filter((entry) => entry.kind === 'PAYMENT')).toHaveLength(5);
  });

  it.skipIf(!onPostgresServer())('pays once for one key retried concurrently, and a concurrent refund never leaves points spent', async () => {
    const customerId = await newCustomer();
    await earn(customerId, 1_000);
    const idempotencyKey = key();
    const retries = await Promise.all(Array.from({ length: 10 }, () => cart()(PAY, { input: { customerId, points: 100, idempotencyKey } })));
    expect(new Set(retries.map((result) => expectData(result).payWithLoyaltyPoints.payment.entry.id)).size).toBe(1);
    expect((await account(customerId)).balance).toBe(900);

    // A payment racing its own refund: whichever lands first, the points end up unspent.
    const raced = key();
    await Promise.all([cart()(PAY, { input: { customerId, points: 300, idempotencyKey: raced } }), cart()(REFUND, { input: { idempotencyKey: raced } })]);
    expectData(await cart()(REFUND, { input: { idempotencyKey: raced } }));
    expect((await account(customerId)).balance).toBe(900);
  });
});

describe('events for promotions', () => {
  it('publishes customer.first_order once, with the order that made the customer a first-time buyer', async () => {
    const customerId = await newCustomer();
    const orderId = newId('ord');
    const first = placed(customerId, orderId, { totalMinor: 1_000 });
    await deliver(first);
    await deliver(first);
    await deliver(placed(customerId, newId('ord'), { totalMinor: 1_000 }));
    expect(await outbox('customer.first_order', customerId)).toEqual([{ customerId, orderId, channel: 'WEB', currencyCode: 'EUR' }]);
  });

  it('publishes customer.engaged_with_product when the third touchpoint within 30 days names the product, not after', async () => {
    const customerId = await newCustomer();
    const productId = newId('prod');
    const other = newId('prod');
    const view = (id: string) => staff()(`mutation($input: RecordProductViewInput!) { recordProductView(input: $input) { userErrors { code } } }`, { input: { customerId, productId: id } });
    const ask = (occurredAt?: string) =>
      staff()(`mutation($input: RecordTouchpointInput!) { recordTouchpoint(input: $input) { userErrors { code } } }`, {
        input: { customerId, kind: 'CALL_LOGGED', summary: 'Asked about sizes', productId, occurredAt },
      });
    expectData(await ask(new Date(Date.now() - 40 * 24 * 60 * 60 * 1000).toISOString())); // outside the window
    expectData(await view(productId));
    expectData(await view(other));
    expect(await outbox('customer.engaged_with_product', customerId)).toEqual([]);
    expectData(await ask());
    expect(await outbox('customer.engaged_with_product', customerId)).toEqual([]);
    expectData(await view(productId));
    expect(await outbox('customer.engaged_with_product', customerId)).toEqual([{ customerId, productId }]);
    expectData(await view(productId));
    expectData(await ask());
    expect(await outbox('customer.engaged_with_product', customerId)).toHaveLength(1);
  });

  it.skipIf(!onPostgresServer())('publishes once when the touchpoints crossing the threshold arrive together', async () => {
    const customerId = await newCustomer();
    const productId = newId('prod');
    await Promise.all(
      Array.from({ length: 6 }, () => staff()(`mutation($input: RecordProductViewInput!) { recordProductView(input: $input) { userErrors { code } } }`, { input: { customerId, productId } })),
    );
    expect(await outbox('customer.engaged_with_product', customerId)).toHaveLength(1);
  });
});
