import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '@omni/db';
import { toMoney } from '@omni/graphql';
import { callers, expectData, onPostgresServer } from '@omni/testing';
import { createDefaultPaymentProviders, createTestCardProvider } from '../src/payments/payment-providers';
import { ADDRESS, HAMBURG, WAREHOUSE, checkoutAs, customerWithCart, freshVariant, setStock, startCheckoutHarness, stockAt, type CheckoutHarness } from './checkout-helpers';

let h: CheckoutHarness;
const card = createTestCardProvider();

beforeAll(async () => {
  h = await startCheckoutHarness({ paymentProviders: { ...createDefaultPaymentProviders(), TEST_CARD: card } });
});

afterAll(async () => {
  await h?.stop();
});

const RETURN = `mutation($input: ReturnOrderLinesInput!) { returnOrderLines(input: $input) {
  orderReturn { id location { id } takenBy { id } channel refund { amount } settled lines { orderLineId quantity refund { amount } } }
  order { id payment { status captured { amount } refunded { amount } } lines { id returnedQuantity refunded { amount } paid { amount } } returns { id } }
  userErrors { code field message } } }`;
interface ReturnView {
  orderReturn: { id: string; location: { id: string }; takenBy: { id: string } | null; channel: string; refund: { amount: string }; settled: boolean; lines: { quantity: number; refund: { amount: string } }[] } | null;
  order: { payment: { status: string; captured: { amount: string }; refunded: { amount: string } }; lines: { id: string; returnedQuantity: number; refunded: { amount: string }; paid: { amount: string } }[]; returns: { id: string }[] } | null;
  userErrors: { code: string; field: string[] | null; message: string }[];
}
const hamburgTill = () => h.as(callers.staff('staff_hamburg', HAMBURG.id, 'POS'));
async function returnAs(client: ReturnType<CheckoutHarness['as']>, input: Record<string, unknown>): Promise<ReturnView> {
  return expectData(await client(RETURN, { input })).returnOrderLines as ReturnView;
}

/** A web order of `quantity` units delivered from the warehouse and shipped, paid by card. */
async function shippedWebOrder(quantity: number) {
  const variant = freshVariant();
  await setStock(h, variant.id, WAREHOUSE.id, quantity + 5);
  await setStock(h, variant.id, HAMBURG.id, 0);
  const shopper = await customerWithCart(h, variant.id, quantity);
  const placed = await checkoutAs(shopper.client, { cartId: shopper.cartId, idempotencyKey: 'web', fulfillment: { method: 'DELIVERY', locationId: WAREHOUSE.id, shippingAddress: ADDRESS }, payment: { provider: 'TEST_CARD', cardToken: 'tok_visa' } });
  expect(placed.userErrors).toEqual([]);
  const shipped = expectData(await h.as(callers.staff('staff_picker', WAREHOUSE.id, 'POS', 'WAREHOUSE'))(`mutation($input: MarkOrderShippedInput!) { markOrderShipped(input: $input) { userErrors { code } } }`, { input: { orderId: placed.order!.id } }));
  expect(shipped.markOrderShipped.userErrors).toEqual([]);
  return { variant, shopper, order: placed.order! };
}

async function paymentReference(orderId: string): Promise<string> {
  const [row] = await h.cartDatabase.db.query.orders.findMany({ where: (orders, { eq }) => eq(orders.id, orderId) });
  return row!.paymentReference!;
}

describe('returns', () => {
  it('takes an online order back at a store: refunds at most what was paid per line and restocks that store', async () => {
    const { variant, order } = await shippedWebOrder(3);
    const line = order.lines[0]!;
    const paidMinor = variant.priceMinor * 3;
    const input = { orderId: order.id, idempotencyKey: 'ret-1', reason: 'too small', lines: [{ orderLineId: line.id, quantity: 1 }] };

    const first = await returnAs(hamburgTill(), input);
    expect(first.userErrors).toEqual([]);
    expect(first.orderReturn).toMatchObject({
      location: { id: HAMBURG.id },
      takenBy: { id: 'staff_hamburg' },
      channel: 'POS',
      settled: true,
      refund: { amount: toMoney(Math.floor(paidMinor / 3), 'EUR').amount },
    });
    expect(first.order!.payment.status).toBe('PARTIALLY_REFUNDED');
    expect(first.order!.lines[0]).toMatchObject({ returnedQuantity: 1 });
    expect(await stockAt(h, variant.id, HAMBURG.id)).toEqual({ onHand: 1, reserved: 0 });
    expect(await stockAt(h, variant.id, WAREHOUSE.id)).toEqual({ onHand: 5, reserved: 0 });

    // A replay moves neither money nor stock again.
    const replay = await returnAs(hamburgTill(), input);
    expect(replay.orderReturn!.id).toBe(first.orderReturn!.id);
    expect(await stockAt(h, variant.id, HAMBURG.id)).toEqual({ onHand: 1, reserved: 0 });
    expect(card.payment(await paymentReference(order.id))).toMatchObject({ refundedMinor: Math.floor(paidMinor / 3) });

    const tooMany = await returnAs(hamburgTill(), { ...input, idempotencyKey: 'ret-2', lines: [{ orderLineId: line.id, quantity: 3 }] });
    expect(tooMany.userErrors).toEqual([expect.objectContaining({ code: 'INVALID', field: ['input', 'lines', '0', 'quantity'] })]);

    const rest = await returnAs(hamburgTill(), { ...input, idempotencyKey: 'ret-3', lines: [{ orderLineId: line.id, quantity: 2 }] });
    expect(rest.userErrors).toEqual([]);
    expect(rest.order!.lines[0]).toMatchObject({ returnedQuantity: 3, refunded: { amount: toMoney(paidMinor, 'EUR').amount }, paid: { amount: toMoney(paidMinor, 'EUR').amount } });
    expect(rest.order!.returns).toHaveLength(2);
    // Shipping is not refunded: the payment is fully refunded only when there was none.
    expect(rest.order!.payment.status).toBe(rest.order!.payment.captured.amount === toMoney(paidMinor, 'EUR').amount ? 'REFUNDED' : 'PARTIALLY_REFUNDED');
    expect(rest.order!.payment.refunded).toEqual({ amount: toMoney(paidMinor, 'EUR').amount });
    expect(card.payment(await paymentReference(order.id))).toMatchObject({ refundedMinor: paidMinor });
    expect(await stockAt(h, variant.id, HAMBURG.id)).toEqual({ onHand: 3, reserved: 0 });

    const nothingLeft = await returnAs(hamburgTill(), { ...input, idempotencyKey: 'ret-4' });
    // Fully refunded (no shipping) is INVALID_STATE for the order; otherwise the line has no unit left.
    const expectedCode = rest.order!.payment.status === 'REFUNDED' ? 'INVALID_STATE' : 'INVALID';
    expect(nothingLeft.userErrors).toEqual([expect.objectContaining({ code: expectedCode })]);
  });

  it('refuses bad returns with clear errors and changes nothing', async () => {
    const { variant, shopper, order } = await shippedWebOrder(1);
    const lineId = order.lines[0]!.id;
    const base = { orderId: order.id, idempotencyKey: 'bad', lines: [{ orderLineId: lineId, quantity: 1 }] };
    const cases: [ReturnType<CheckoutHarness['as']>, Record<string, unknown>, string, string[]][] = [
      [hamburgTill(), { lines: [{ orderLineId: lineId, quantity: 0 }] }, 'INVALID', ['input', 'lines', '0', 'quantity']],
      [hamburgTill(), { lines: [{ orderLineId: lineId, quantity: -1 }] }, 'INVALID', ['input', 'lines', '0', 'quantity']],
      [hamburgTill(), { lines: [{ orderLineId: 'oline_unknown', quantity: 1 }] }, 'NOT_FOUND', ['input', 'lines', '0', 'orderLineId']],
      [hamburgTill(), { orderId: newId('ord') }, 'NOT_FOUND', ['input', 'orderId']],
      [hamburgTill(), { locationId: WAREHOUSE.id }, 'FORBIDDEN', ['input', 'locationId']],
      [h.as(callers.admin()), {}, 'INVALID', ['input', 'locationId']],
    ];
    for (const [client, change, code, field] of cases) {
      const result = await returnAs(client, { ...base, ...change });
      expect(result.userErrors, JSON.stringify(change)).toEqual([expect.objectContaining({ code, field })]);
    }
    const byShopper = await shopper.client(RETURN, { input: base });
    expect(byShopper.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await stockAt(h, variant.id, HAMBURG.id)).toEqual({ onHand: 0, reserved: 0 });

    // An order the shopper has not received yet cannot be returned.
    const other = freshVariant();
    await setStock(h, other.id, WAREHOUSE.id, 2);
    const pending = await customerWithCart(h, other.id, 1);
    const placed = await checkoutAs(pending.client, { cartId: pending.cartId, idempotencyKey: 'p', fulfillment: { method: 'DELIVERY', locationId: WAREHOUSE.id, shippingAddress: ADDRESS }, payment: { provider: 'TEST_CARD', cardToken: 'tok_visa' } });
    const early = await returnAs(hamburgTill(), { orderId: placed.order!.id, idempotencyKey: 'early', lines: [{ orderLineId: placed.order!.lines[0]!.id, quantity: 1 }] });
    expect(early.userErrors).toEqual([expect.objectContaining({ code: 'INVALID_STATE', field: ['input', 'orderId'] })]);

    // The same key for another return of the order is refused once it was used.
    const done = await returnAs(hamburgTill(), base);
    expect(done.userErrors).toEqual([]);
    const reused = await returnAs(h.as(callers.staff('staff_other', WAREHOUSE.id)), base);
    expect(reused.userErrors).toEqual([expect.objectContaining({ code: 'IDEMPOTENCY_KEY_REUSED' })]);
  });
});

describe.skipIf(!onPostgresServer())('concurrent returns', () => {
  it('returns each unit once when 10 returns of one unit race for a line of 3', async () => {
    const { variant, order } = await shippedWebOrder(3);
    const lineId = order.lines[0]!.id;
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, index) => returnAs(hamburgTill(), { orderId: order.id, idempotencyKey: `race-${index}`, lines: [{ orderLineId: lineId, quantity: 1 }] })),
    );
    const accepted = results.filter((result) => result.orderReturn !== null);
    expect(accepted).toHaveLength(3);
    // Refused for lack of units, or (when there was no shipping fee) because everything paid was refunded.
    expect(results.filter((result) => ['INVALID', 'INVALID_STATE'].includes(result.userErrors[0]?.code ?? ''))).toHaveLength(7);
    const refunded = accepted.reduce((sum, result) => sum + Math.round(Number(result.orderReturn!.refund.amount) * 100), 0);
    expect(refunded).toBe(variant.priceMinor * 3);
    expect(await stockAt(h, variant.id, HAMBURG.id)).toEqual({ onHand: 3, reserved: 0 });
  });

  it('records one return when the same return is sent 6 times at once', async () => {
    const { variant, order } = await shippedWebOrder(2);
    const input = { orderId: order.id, idempotencyKey: 'double', lines: [{ orderLineId: order.lines[0]!.id, quantity: 2 }] };
    const results = await Promise.all(Array.from({ length: 6 }, () => returnAs(hamburgTill(), input)));
    expect(results.map((result) => result.userErrors)).toEqual(results.map(() => []));
    expect(new Set(results.map((result) => result.orderReturn?.id)).size).toBe(1);
    expect(await stockAt(h, variant.id, HAMBURG.id)).toEqual({ onHand: 2, reserved: 0 });
    expect(card.payment(await paymentReference(order.id))).toMatchObject({ refundedMinor: variant.priceMinor * 2 });
  });
});
