import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_LOCATIONS, demoCatalog } from '@omni/demo-data';
import { toMinorUnits } from '@omni/graphql';
import { expectData } from '@omni/testing';
import { startTestSupergraph, type TestSupergraph } from './support/test-supergraph';

/**
 * Loyalty points as a tender, through the gateway: checkout spends them with the customer
 * subgraph and charges the card the rest, a refusal holds nothing, and a return gives the points
 * that paid for the returned units back through `order.returned`.
 */
let supergraph: TestSupergraph;

beforeAll(async () => {
  supergraph = await startTestSupergraph();
});

afterAll(async () => {
  await supergraph?.close();
});

const BERLIN = DEMO_LOCATIONS.find((location) => location.key === 'berlin-mitte')!.id;
const { products, stock } = demoCatalog();
const onHand = (variantId: string) => stock.find((level) => level.variantId === variantId && level.locationId === BERLIN)?.onHand ?? 0;
const atBerlin = products.map((product) => product.variants[0]!).filter((variant) => onHand(variant.id) >= 3);

const ORDER = `order { id total { amount currencyCode } loyaltyPointsPaid paidWithPoints { amount } amountCharged { amount currencyCode }
  lines { id quantity loyaltyPointsPaid } payment { status captured { amount currencyCode } } }`;
const CHECKOUT = `mutation($input: CheckoutInput!) { checkout(input: $input) { ${ORDER} userErrors { code message field } } }`;
const LEDGER = `query { me { loyalty { balance entries(first: 50) { edges { node { kind points order { id } } } } } } }`;

interface Ledger {
  balance: number;
  entries: { edges: { node: { kind: string; points: number; order: { id: string } | null } }[] };
}

async function ledger(client: Awaited<ReturnType<TestSupergraph['as']>>): Promise<Ledger> {
  return expectData(await client(LEDGER)).me.loyalty as Ledger;
}

async function cartOf(client: Awaited<ReturnType<TestSupergraph['as']>>, variantId: string, quantity: number): Promise<string> {
  const cartId = expectData(await client(`mutation { createCart(input: {}) { cart { id } } }`)).createCart.cart.id as string;
  const added = expectData(await client(`mutation($input: AddCartLinesInput!) { addCartLines(input: $input) { userErrors { code } } }`, { input: { cartId, lines: [{ variantId, quantity }] } }));
  expect(added.addCartLines.userErrors).toEqual([]);
  return cartId;
}

async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const value = await read();
    if (done(value)) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return read();
}

describe('loyalty points pay part of an order', () => {
  it('spends the points, charges the card the rest, refuses a balance that does not cover them, and gives them back on return', async () => {
    const anna = await supergraph.as('customer', 'anna', 'WEB');
    const before = await ledger(anna);
    expect(before.balance).toBeGreaterThan(300);
    const variant = atBerlin[0]!;
    const cartId = await cartOf(anna, variant.id, 2);

    // More than the balance, still within the total: refused, nothing spent, the cart still open.
    const tooMany = Math.min(before.balance + 1, variant.priceMinor * 2);
    if (tooMany > before.balance) {
      const refused = expectData(await anna(CHECKOUT, { input: { cartId, idempotencyKey: 'points-too-many', fulfillment: { method: 'PICKUP', locationId: BERLIN }, payment: { provider: 'TEST_CARD', cardToken: 'tok_visa' }, loyaltyPoints: tooMany } })).checkout;
      expect(refused.userErrors).toEqual([expect.objectContaining({ code: 'INSUFFICIENT_POINTS' })]);
      expect((await ledger(anna)).balance).toBe(before.balance);
    }

    const points = 300;
    const placed = expectData(await anna(CHECKOUT, { input: { cartId, idempotencyKey: 'points-300', fulfillment: { method: 'PICKUP', locationId: BERLIN }, payment: { provider: 'TEST_CARD', cardToken: 'tok_visa' }, loyaltyPoints: points } })).checkout;
    expect(placed.userErrors).toEqual([]);
    const order = placed.order;
    const totalMinor = toMinorUnits(order.total.amount, order.total.currencyCode);
    expect(order.loyaltyPointsPaid).toBe(points);
    expect(toMinorUnits(order.amountCharged.amount, order.amountCharged.currencyCode)).toBe(totalMinor - points);
    expect(order.payment).toMatchObject({ status: 'CAPTURED', captured: order.amountCharged });
    const paid = (await ledger(anna)).entries.edges.map((edge) => edge.node).filter((entry) => entry.kind === 'PAYMENT' && entry.order?.id === order.id);
    expect(paid).toEqual([expect.objectContaining({ points: -points })]);

    // Collected at the store, then one unit handed back at the till.
    const till = await supergraph.as('staff', 'berlin-cashier', 'POS');
    for (const step of ['markOrderReadyForPickup', 'markOrderPickedUp']) {
      const input = `${step[0]!.toUpperCase()}${step.slice(1)}Input`;
      expect(expectData(await till(`mutation($input: ${input}!) { ${step}(input: $input) { userErrors { code } } }`, { input: { orderId: order.id } }))[step].userErrors).toEqual([]);
    }
    const returned = expectData(
      await till(`mutation($input: ReturnOrderLinesInput!) { returnOrderLines(input: $input) { orderReturn { refund { amount } refundPoints refundMoney { amount } } userErrors { code message } } }`, {
        input: { orderId: order.id, idempotencyKey: 'points-return-1', lines: [{ orderLineId: order.lines[0].id, quantity: 1 }] },
      }),
    ).returnOrderLines;
    expect(returned.userErrors).toEqual([]);
    // One unit's share of the points that paid for its line.
    expect(returned.orderReturn.refundPoints).toBe(Math.floor(order.lines[0].loyaltyPointsPaid / order.lines[0].quantity));

    const credited = await eventually(
      () => ledger(anna),
      (current) => current.entries.edges.some((edge) => edge.node.kind === 'RETURN_REFUND' && edge.node.order?.id === order.id),
    );
    const refund = credited.entries.edges.map((edge) => edge.node).find((entry) => entry.kind === 'RETURN_REFUND' && entry.order?.id === order.id);
    expect(refund?.points).toBe(returned.orderReturn.refundPoints);
  });
});
