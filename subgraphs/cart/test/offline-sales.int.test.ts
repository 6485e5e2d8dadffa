import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '@omni/db';
import { DEMO_STAFF } from '@omni/demo-data';
import { callers, expectData, signedSubgraphClient, TEST_SIGNING_SECRET } from '@omni/testing';
import { BERLIN, CASHIER, HAMBURG, WAREHOUSE, customerWithCart, checkoutAs, freshVariant, rowsOf, setOnlyStock, startCheckoutHarness, stockAt, type CheckoutHarness } from './checkout-helpers';

/**
 * `recordOfflineSale`: a till's cash sale uploaded late, more than once, and after the last unit
 * was sold online meanwhile.
 */
let h: CheckoutHarness;
beforeAll(async () => {
  h = await startCheckoutHarness();
});
afterAll(async () => {
  await h?.stop();
});

const RECORD = `mutation($input: RecordOfflineSaleInput!) { recordOfflineSale(input: $input) {
  order { id channel creditedStaff { id } total { amount } fulfillment { method status location { id } } payment { provider status captured { amount } } lines { quantity unitPrice { amount } } }
  stockRecorded shortfalls { variant { id } onHand shortfall } userErrors { code field message } } }`;

interface RecordView {
  order: { id: string; channel: string; creditedStaff: { id: string } | null; total: { amount: string }; fulfillment: { method: string; status: string; location: { id: string } }; payment: { provider: string; status: string; captured: { amount: string } } } | null;
  stockRecorded: boolean;
  shortfalls: { variant: { id: string }; onHand: number; shortfall: number }[];
  userErrors: { code: string; field: string[] | null; message: string }[];
}

const cashier = () => h.as(callers.staff(CASHIER.id, CASHIER.homeLocationId, 'POS', 'CASHIER'));
const record = async (client: ReturnType<CheckoutHarness['as']>, input: Record<string, unknown>) => expectData(await client(RECORD, { input })).recordOfflineSale as RecordView;
const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();
const ordersOfReceipt = async (receiptId: string) =>
  rowsOf<{ count: number }>(await h.cartDatabase.db.execute(sql`select count(*)::integer as count from cart.orders where idempotency_key = ${receiptId}`))[0]!.count;

describe('recordOfflineSale', () => {
  it('makes one cash order credited to the cashier and moves stock once, however often and concurrently it is uploaded', async () => {
    const variant = freshVariant();
    await setOnlyStock(h, variant.id, { [BERLIN.id]: 5 });
    const receiptId = `till-3/${newId('rcpt')}`;
    const input = { storeId: BERLIN.id, receiptId, soldAt: minutesAgo(90), lines: [{ variantId: variant.id, quantity: 2, unitPrice: '19.90' }] };
    const answers = await Promise.all([record(cashier(), input), record(cashier(), input), record(cashier(), input)]);
    const again = await record(cashier(), input);
    for (const answer of [...answers, again]) {
      expect(answer.userErrors).toEqual([]);
      expect(answer.order!.id).toBe(answers[0]!.order!.id);
      expect(answer.stockRecorded).toBe(true);
      expect(answer.shortfalls).toEqual([]);
    }
    expect(answers[0]!.order).toMatchObject({
      channel: 'POS',
      creditedStaff: { id: CASHIER.id },
      total: { amount: '39.80' },
      fulfillment: { method: 'PICKUP', status: 'PICKED_UP', location: { id: BERLIN.id } },
      payment: { provider: 'CASH', status: 'CAPTURED', captured: { amount: '39.80' } },
    });
    expect(await ordersOfReceipt(receiptId)).toBe(1);
    expect(await stockAt(h, variant.id, BERLIN.id)).toEqual({ onHand: 3, reserved: 0 });

    const changed = await record(cashier(), { ...input, lines: [{ variantId: variant.id, quantity: 3, unitPrice: '19.90' }] });
    expect(changed.userErrors).toEqual([expect.objectContaining({ code: 'IDEMPOTENCY_KEY_REUSED', field: ['input', 'receiptId'] })]);
    expect(await stockAt(h, variant.id, BERLIN.id)).toEqual({ onHand: 3, reserved: 0 });
  });

  it('records the sale of a unit sold online meanwhile with stock at -1 and flags it for staff', async () => {
    const variant = freshVariant();
    await setOnlyStock(h, variant.id, { [BERLIN.id]: 1 });
    // The last unit goes online (picked up at Berlin) while the till is offline.
    const { client, cartId } = await customerWithCart(h, variant.id, 1);
    const online = await checkoutAs(client, { cartId, idempotencyKey: newId('key'), fulfillment: { method: 'PICKUP', locationId: BERLIN.id }, payment: { provider: 'PAY_AT_PICKUP' } });
    expect(online.userErrors).toEqual([]);

    const sold = await record(cashier(), { storeId: BERLIN.id, receiptId: `till-1/${newId('rcpt')}`, soldAt: minutesAgo(30), lines: [{ variantId: variant.id, quantity: 1, unitPrice: '9.99' }] });
    expect(sold.userErrors).toEqual([]);
    // The online order took the last unit off on hand when it was placed: the shelf is one short.
    expect(sold.shortfalls).toEqual([{ variant: { id: variant.id }, onHand: -1, shortfall: 1 }]);
    expect(await stockAt(h, variant.id, BERLIN.id)).toEqual({ onHand: -1, reserved: 0 });

    const soldAgain = await record(cashier(), { storeId: BERLIN.id, receiptId: `till-1/${newId('rcpt')}`, soldAt: minutesAgo(20), lines: [{ variantId: variant.id, quantity: 1, unitPrice: '9.99' }] });
    expect(soldAgain.shortfalls).toEqual([{ variant: { id: variant.id }, onHand: -2, shortfall: 2 }]);
    expect(await stockAt(h, variant.id, BERLIN.id)).toEqual({ onHand: -2, reserved: 0 });

    const manager = DEMO_STAFF.find((staff) => staff.role === 'STORE_MANAGER')!;
    const catalogAsManager = signedSubgraphClient(h.catalogServer.url, TEST_SIGNING_SECRET, callers.staff(manager.id, BERLIN.id, 'POS', 'STORE_MANAGER'));
    const flagged = expectData(await catalogAsManager(`query($id: ID!) { location(id: $id) { stockShortfalls { variant { id } onHand shortfall } } }`, { id: BERLIN.id })).location.stockShortfalls;
    expect(flagged).toContainEqual({ variant: { id: variant.id }, onHand: -2, shortfall: 2 });
  });

  it('lets only store staff of that store and admins record, and refuses bad input whole', async () => {
    const variant = freshVariant();
    await setOnlyStock(h, variant.id, { [BERLIN.id]: 5 });
    const line = { variantId: variant.id, quantity: 1, unitPrice: '5.00' };
    const base = { storeId: BERLIN.id, receiptId: `r/${newId('rcpt')}`, soldAt: minutesAgo(5), lines: [line] };
    const hamburgCashier = h.as(callers.staff(newId('staff'), HAMBURG.id, 'POS', 'CASHIER'));
    expect((await record(hamburgCashier, base)).userErrors).toEqual([expect.objectContaining({ code: 'FORBIDDEN', field: ['input', 'storeId'] })]);
    const agent = DEMO_STAFF.find((staff) => staff.role === 'SUPPORT_AGENT')!;
    const byAgent = await h.as(callers.staff(agent.id, BERLIN.id, 'CALL_CENTER', 'SUPPORT_AGENT'))(RECORD, { input: base });
    expect(byAgent.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const byShopper = await h.as(callers.customer(newId('cus'), 'WEB'))(RECORD, { input: base });
    expect(byShopper.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    const refusals: [Record<string, unknown>, string[]][] = [
      [{ soldAt: new Date(Date.now() + 86_400_000).toISOString() }, ['input', 'soldAt']],
      [{ lines: [{ ...line, unitPrice: '5.001' }] }, ['input', 'lines', '0', 'unitPrice']],
      [{ lines: [line, line] }, ['input', 'lines', '1', 'variantId']],
      [{ lines: [{ ...line, quantity: 0 }] }, ['input', 'lines', '0', 'quantity']],
      [{ storeId: WAREHOUSE.id }, ['input', 'storeId']],
      [{ lines: [{ ...line, variantId: newId('var') }] }, ['input', 'lines', '0', 'variantId']],
    ];
    for (const [change, field] of refusals) {
      const refused = await record(h.as(callers.admin()), { ...base, ...change });
      expect(refused.order).toBeNull();
      expect(refused.userErrors[0]!.field).toEqual(field);
    }
    expect(await ordersOfReceipt(base.receiptId)).toBe(0);
    expect(await stockAt(h, variant.id, BERLIN.id)).toEqual({ onHand: 5, reserved: 0 });
  });
});
