import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { toMoney } from '@omni/graphql';
import { callers, expectData } from '@omni/testing';
import { createDefaultPaymentProviders, createTestCardProvider, type PaymentProvider } from '../src/payments/payment-providers';
import { LoyaltyUnavailableError, type LoyaltyPaymentPort } from '../src/services/loyalty-payments';
import { BERLIN, CASHIER, HAMBURG, WAREHOUSE, ADDRESS, customerWithCart, freshVariant, rowsOf, setStock, startCheckoutHarness, stockAt, type CheckoutHarness } from './checkout-helpers';

/**
 * Stands in for the customer subgraph's loyalty payments, with its rules: a key spends once, a
 * retry answers the first payment (also after its refund, then as REFUNDED), a refund of a key
 * that paid nothing closes it so a late payment with it is refused.
 */
const loyalty = {
  balances: new Map<string, number>(),
  payments: new Map<string, { customerId: string; points: number; status: 'PAID' | 'REFUNDED' | 'VOIDED'; orderReference: string }>(),
  payCalls: 0,
  unreachable: false,
};
const loyaltyPort: LoyaltyPaymentPort = {
  async pay(request) {
    loyalty.payCalls++;
    if (loyalty.unreachable) throw new LoyaltyUnavailableError('connect ECONNREFUSED');
    const earlier = loyalty.payments.get(request.paymentKey);
    if (earlier?.status === 'VOIDED' || earlier?.status === 'REFUNDED') return { outcome: 'key-spent' };
    if (earlier) return { outcome: 'paid', orderReference: earlier.orderReference };
    const balance = loyalty.balances.get(request.customerId) ?? 0;
    if (balance < request.points) return { outcome: 'refused', code: 'INSUFFICIENT_POINTS', message: `Not enough points: the balance is ${balance}` };
    loyalty.balances.set(request.customerId, balance - request.points);
    loyalty.payments.set(request.paymentKey, { customerId: request.customerId, points: request.points, status: 'PAID', orderReference: request.orderReference });
    return { outcome: 'paid', orderReference: request.orderReference };
  },
  async refund(paymentKey) {
    const payment = loyalty.payments.get(paymentKey);
    if (!payment) {
      loyalty.payments.set(paymentKey, { customerId: '', points: 0, status: 'VOIDED', orderReference: '' });
      return;
    }
    if (payment.status !== 'PAID') return;
    payment.status = 'REFUNDED';
    loyalty.balances.set(payment.customerId, (loyalty.balances.get(payment.customerId) ?? 0) + payment.points);
  },
};

const card = createTestCardProvider();
const authorised: number[] = [];
/** What the next card authorisation does: go through, or fail unexpectedly (a processor outage). */
let nextAuthorisation: 'ok' | 'throw' = 'ok';
const watchedCard: PaymentProvider = {
  ...card,
  async authorize(request) {
    authorised.push(request.amountMinor);
    if (nextAuthorisation === 'throw') {
      nextAuthorisation = 'ok';
      throw new Error('card processor unreachable');
    }
    return card.authorize(request);
  },
};

let h: CheckoutHarness;

beforeAll(async () => {
  h = await startCheckoutHarness({ paymentProviders: { ...createDefaultPaymentProviders(), TEST_CARD: watchedCard }, loyaltyPayments: loyaltyPort });
});

afterAll(async () => {
  await h?.stop();
});

beforeEach(() => {
  authorised.length = 0;
  loyalty.payCalls = 0;
  loyalty.unreachable = false;
  nextAuthorisation = 'ok';
});

const CHECKOUT = /* GraphQL */ `mutation($input: CheckoutInput!) { checkout(input: $input) {
  order {
    id total { amount } loyaltyPointsPaid paidWithPoints { amount } amountCharged { amount } loyaltyPointsRefunded
    lines { id quantity paid { amount } loyaltyPointsPaid paidWithPoints { amount } }
    payment { status captured { amount } refunded { amount } }
  }
  userErrors { code field message } } }`;
interface OrderView {
  id: string;
  total: { amount: string };
  loyaltyPointsPaid: number;
  paidWithPoints: { amount: string };
  amountCharged: { amount: string };
  loyaltyPointsRefunded: number;
  lines: { id: string; quantity: number; paid: { amount: string }; loyaltyPointsPaid: number; paidWithPoints: { amount: string } }[];
  payment: { status: string; captured: { amount: string }; refunded: { amount: string } };
}
interface CheckoutView {
  order: OrderView | null;
  userErrors: { code: string; field: string[] | null; message: string }[];
}
const eur = (minor: number) => toMoney(minor, 'EUR').amount;

async function checkout(client: ReturnType<CheckoutHarness['as']>, input: Record<string, unknown>): Promise<CheckoutView> {
  return expectData(await client(CHECKOUT, { input })).checkout as CheckoutView;
}

/** A customer's cart of two variants (2 + 1 units) in stock at the warehouse, and their points. */
async function shopperWithPoints(balance: number) {
  const [first, second] = [freshVariant(), freshVariant()];
  for (const variant of [first, second]) {
    await setStock(h, variant.id, WAREHOUSE.id, 10);
    await setStock(h, variant.id, BERLIN.id, 10);
  }
  const shopper = await customerWithCart(h, first.id, 2);
  const added = expectData(await shopper.client(`mutation($input: AddCartLinesInput!) { addCartLines(input: $input) { userErrors { code } } }`, { input: { cartId: shopper.cartId, lines: [{ variantId: second.id, quantity: 1 }] } }));
  expect(added.addCartLines.userErrors).toEqual([]);
  loyalty.balances.set(shopper.customerId, balance);
  const totalMinor = first.priceMinor * 2 + second.priceMinor;
  return { ...shopper, first, second, totalMinor };
}

const pickupInput = (cartId: string, idempotencyKey: string, loyaltyPoints: number, payment: Record<string, unknown> = { provider: 'TEST_CARD', cardToken: 'tok_visa' }) => ({
  cartId,
  idempotencyKey,
  fulfillment: { method: 'PICKUP', locationId: BERLIN.id },
  payment,
  loyaltyPoints,
});

async function orderRow(orderId: string) {
  const [row] = await h.cartDatabase.db.query.orders.findMany({ where: (orders, { eq }) => eq(orders.id, orderId) });
  return row!;
}

async function eventPayload(orderId: string, type: string): Promise<Record<string, unknown>[]> {
  const rows = rowsOf<{ payload: Record<string, unknown> }>(await h.cartDatabase.db.execute(sql`select payload from cart.outbox_events where aggregate_id = ${orderId} and type = ${type} order by id`));
  return rows.map((row) => row.payload);
}

describe('checkout paid partly with loyalty points', () => {
  it('spends the points, charges the card the rest and allocates the points to the lines by what they charged', async () => {
    const shopper = await shopperWithPoints(5_000);
    const points = 1_001;
    const placed = await checkout(shopper.client, pickupInput(shopper.cartId, 'points-1', points));
    expect(placed.userErrors).toEqual([]);
    const order = placed.order!;
    // A tender, not a discount: the total stays as priced.
    expect(order.total.amount).toBe(eur(shopper.totalMinor));
    expect(order).toMatchObject({ loyaltyPointsPaid: points, paidWithPoints: { amount: eur(points) }, amountCharged: { amount: eur(shopper.totalMinor - points) } });
    expect(order.payment).toMatchObject({ status: 'CAPTURED', captured: { amount: eur(shopper.totalMinor - points) } });
    expect(authorised).toEqual([shopper.totalMinor - points]);
    expect(loyalty.balances.get(shopper.customerId)).toBe(5_000 - points);

    // Largest remainder over what each line charged: the shares add up to the points exactly.
    const [firstLine, secondLine] = order.lines;
    expect(firstLine!.loyaltyPointsPaid + secondLine!.loyaltyPointsPaid).toBe(points);
    const exactFirst = (points * shopper.first.priceMinor * 2) / shopper.totalMinor;
    expect(Math.abs(firstLine!.loyaltyPointsPaid - exactFirst)).toBeLessThan(1);

    const [placedEvent] = await eventPayload(order.id, 'order.placed');
    expect(placedEvent).toMatchObject({ totalMinor: shopper.totalMinor, loyaltyPointsPaid: points, moneyPaidMinor: shopper.totalMinor - points });
  });

  it('asks the card for nothing when the points pay the whole total; no card token is needed', async () => {
    const shopper = await shopperWithPoints(100_000);
    const placed = await checkout(shopper.client, pickupInput(shopper.cartId, 'all-points', shopper.totalMinor, { provider: 'TEST_CARD' }));
    expect(placed.userErrors).toEqual([]);
    expect(placed.order).toMatchObject({ loyaltyPointsPaid: shopper.totalMinor, amountCharged: { amount: eur(0) }, payment: { status: 'CAPTURED', captured: { amount: eur(0) } } });
    expect(authorised).toEqual([]);
    expect(placed.order!.lines.map((line) => line.paidWithPoints.amount)).toEqual(placed.order!.lines.map((line) => line.paid.amount));
  });

  it('still needs a card token when the points leave something to pay', async () => {
    const shopper = await shopperWithPoints(100_000);
    const refused = await checkout(shopper.client, pickupInput(shopper.cartId, 'no-token', 100, { provider: 'TEST_CARD' }));
    expect(refused.userErrors).toEqual([expect.objectContaining({ code: 'INVALID', field: ['input', 'payment', 'cardToken'] })]);
    expect(loyalty.payCalls).toBe(0);
  });

  it('refuses INSUFFICIENT_POINTS with nothing held: no order, no stock reserved, the cart still open', async () => {
    const shopper = await shopperWithPoints(500);
    const refused = await checkout(shopper.client, pickupInput(shopper.cartId, 'too-few', 501));
    expect(refused).toEqual({ order: null, userErrors: [expect.objectContaining({ code: 'INSUFFICIENT_POINTS', field: ['input', 'loyaltyPoints'] })] });
    expect(await stockAt(h, shopper.first.id, BERLIN.id)).toEqual({ onHand: 10, reserved: 0 });
    expect(authorised).toEqual([]);
    expect(loyalty.balances.get(shopper.customerId)).toBe(500);
    const cart = expectData(await shopper.client(`query($id: ID!) { cart(id: $id) { status } }`, { id: shopper.cartId })).cart;
    expect(cart.status).toBe('ACTIVE');
  });

  it('refuses more points than the total is worth, and points on a cart without a customer, before spending any', async () => {
    const shopper = await shopperWithPoints(1_000_000);
    const tooMany = await checkout(shopper.client, pickupInput(shopper.cartId, 'over', shopper.totalMinor + 1));
    expect(tooMany.userErrors).toEqual([expect.objectContaining({ code: 'POINTS_EXCEED_TOTAL', field: ['input', 'loyaltyPoints'] })]);

    const variant = freshVariant();
    await setStock(h, variant.id, BERLIN.id, 5);
    const till = h.as(callers.staff(CASHIER.id, BERLIN.id, 'POS'));
    const walkIn = expectData(await till(`mutation { createCart(input: {}) { cart { id } } }`)).createCart.cart.id as string;
    expectData(await till(`mutation($input: AddCartLinesInput!) { addCartLines(input: $input) { userErrors { code } } }`, { input: { cartId: walkIn, lines: [{ variantId: variant.id, quantity: 1 }] } }));
    const anonymous = await checkout(till, { cartId: walkIn, idempotencyKey: 'walk-in', fulfillment: { method: 'PICKUP', locationId: BERLIN.id }, payment: { provider: 'CASH' }, loyaltyPoints: 10 });
    expect(anonymous.userErrors).toEqual([expect.objectContaining({ code: 'INVALID', field: ['input', 'loyaltyPoints'] })]);

    const negative = await checkout(shopper.client, pickupInput(shopper.cartId, 'negative', -1));
    expect(negative.userErrors).toEqual([expect.objectContaining({ code: 'INVALID', field: ['input', 'loyaltyPoints'] })]);
    expect(loyalty.payCalls).toBe(0);
  });

  it('spends once when the checkout is retried with the same key, and a changed amount is another request', async () => {
    const shopper = await shopperWithPoints(5_000);
    const input = pickupInput(shopper.cartId, 'retry', 700);
    const first = await checkout(shopper.client, input);
    const again = await checkout(shopper.client, input);
    expect(again.order!.id).toBe(first.order!.id);
    expect(loyalty.balances.get(shopper.customerId)).toBe(4_300);
    const other = await checkout(shopper.client, { ...input, loyaltyPoints: 800 });
    expect(other.userErrors).toEqual([expect.objectContaining({ code: 'IDEMPOTENCY_KEY_REUSED' })]);
    expect(loyalty.balances.get(shopper.customerId)).toBe(4_300);
  });

  it('gives the points back when the card is declined, and when a later step fails unexpectedly', async () => {
    const shopper = await shopperWithPoints(5_000);
    const declined = await checkout(shopper.client, pickupInput(shopper.cartId, 'declined', 900, { provider: 'TEST_CARD', cardToken: 'tok_declined' }));
    expect(declined.userErrors).toEqual([expect.objectContaining({ code: 'INVALID', field: ['input', 'payment', 'cardToken'] })]);
    expect(loyalty.balances.get(shopper.customerId)).toBe(5_000);
    expect(await stockAt(h, shopper.first.id, BERLIN.id)).toEqual({ onHand: 10, reserved: 0 });

    nextAuthorisation = 'throw';
    const input = pickupInput(shopper.cartId, 'outage', 900);
    const failed = await shopper.client(CHECKOUT, { input });
    expect(failed.errors?.length).toBeGreaterThan(0);
    expect(loyalty.balances.get(shopper.customerId)).toBe(5_000);

    // The same key again: the undone payment cannot pay, so the retry pays once under the next one.
    const retried = await checkout(shopper.client, input);
    expect(retried.userErrors).toEqual([]);
    expect(retried.order!.loyaltyPointsPaid).toBe(900);
    expect(loyalty.balances.get(shopper.customerId)).toBe(4_100);
  });

  it('answers LOYALTY_UNAVAILABLE with nothing held when the customer subgraph cannot be asked', async () => {
    const shopper = await shopperWithPoints(5_000);
    loyalty.unreachable = true;
    const refused = await checkout(shopper.client, pickupInput(shopper.cartId, 'down', 100));
    expect(refused.userErrors).toEqual([expect.objectContaining({ code: 'LOYALTY_UNAVAILABLE' })]);
    expect(await stockAt(h, shopper.first.id, BERLIN.id)).toEqual({ onHand: 10, reserved: 0 });
    expect(authorised).toEqual([]);
  });

  it('takes at pickup only what the points left to pay', async () => {
    const shopper = await shopperWithPoints(5_000);
    const placed = await checkout(shopper.client, pickupInput(shopper.cartId, 'bopis', 1_000, { provider: 'PAY_AT_PICKUP' }));
    expect(placed.order!.payment.status).toBe('PENDING');
    const till = h.as(callers.staff(CASHIER.id, BERLIN.id, 'POS'));
    for (const step of ['markOrderReadyForPickup', 'markOrderPickedUp']) {
      const moved = expectData(await till(`mutation($input: ${step[0]!.toUpperCase()}${step.slice(1)}Input!) { ${step}(input: $input) { userErrors { code } } }`, { input: { orderId: placed.order!.id } }));
      expect(moved[step].userErrors).toEqual([]);
    }
    expect((await orderRow(placed.order!.id)).capturedMinor).toBe(shopper.totalMinor - 1_000);
  });
});

const RETURN = /* GraphQL */ `mutation($input: ReturnOrderLinesInput!) { returnOrderLines(input: $input) {
  orderReturn { id refund { amount } refundPoints refundMoney { amount } lines { orderLineId refundPoints refund { amount } } }
  order { loyaltyPointsRefunded payment { status refunded { amount } } lines { id loyaltyPointsRefunded refunded { amount } } }
  userErrors { code field message } } }`;

describe('returns of an order paid partly with points', () => {
  it('gives back points and money by the same allocation; every unit back returns exactly what was paid', async () => {
    const shopper = await shopperWithPoints(50_000);
    const points = 1_234;
    const placed = await checkout(shopper.client, { cartId: shopper.cartId, idempotencyKey: 'ship', fulfillment: { method: 'DELIVERY', locationId: WAREHOUSE.id, shippingAddress: ADDRESS }, payment: { provider: 'TEST_CARD', cardToken: 'tok_visa' }, loyaltyPoints: points });
    expect(placed.userErrors).toEqual([]);
    const order = placed.order!;
    const shipped = expectData(await h.as(callers.staff('staff_picker', WAREHOUSE.id, 'POS', 'WAREHOUSE'))(`mutation($input: MarkOrderShippedInput!) { markOrderShipped(input: $input) { userErrors { code } } }`, { input: { orderId: order.id } }));
    expect(shipped.markOrderShipped.userErrors).toEqual([]);
    const row = await orderRow(order.id);
    const linePoints = order.lines.reduce((sum, line) => sum + line.loyaltyPointsPaid, 0);
    // The shipping fee took its share of the points, as of the total; it is not refunded.
    expect(Math.abs(points - linePoints - (points * row.shippingMinor) / row.totalMinor)).toBeLessThan(1);

    const till = h.as(callers.staff('staff_hamburg', HAMBURG.id, 'POS'));
    const [twoUnits, oneUnit] = order.lines;
    const returns = [
      [{ orderLineId: twoUnits!.id, quantity: 1 }],
      [{ orderLineId: twoUnits!.id, quantity: 1 }, { orderLineId: oneUnit!.id, quantity: 1 }],
    ];
    let pointsBack = 0;
    let moneyBack = 0;
    for (const [index, lines] of returns.entries()) {
      const result = expectData(await till(RETURN, { input: { orderId: order.id, idempotencyKey: `ret-${index}`, lines } })).returnOrderLines;
      expect(result.userErrors).toEqual([]);
      const taken = result.orderReturn;
      expect(taken.refundPoints + Math.round(Number(taken.refundMoney.amount) * 100)).toBe(Math.round(Number(taken.refund.amount) * 100));
      pointsBack += taken.refundPoints;
      moneyBack += Math.round(Number(taken.refundMoney.amount) * 100);
      const [event] = await eventPayload(order.id, 'order.returned').then((events) => events.slice(index));
      expect(event).toMatchObject({ returnId: taken.id, refundPoints: taken.refundPoints, refundMoneyMinor: Math.round(Number(taken.refundMoney.amount) * 100) });
    }
    const paidForLines = shopper.totalMinor;
    expect(pointsBack).toBe(linePoints);
    expect(moneyBack).toBe(paidForLines - linePoints);
    // The card refunded only the money.
    expect(card.payment(row.paymentReference!)).toMatchObject({ refundedMinor: moneyBack });
    const after = await orderRow(order.id);
    expect(after).toMatchObject({ pointsRefunded: linePoints, refundedMinor: moneyBack });
  });
});
