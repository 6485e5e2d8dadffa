import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_LOCATIONS, DEMO_PROMOTIONS, demoCart, demoCatalog, demoCustomer } from '@omni/demo-data';
import { toMinorUnits } from '@omni/graphql';
import { expectData } from '@omni/testing';
import { startTestSupergraph, type TestSupergraph } from './support/test-supergraph';

/**
 * Money shown is money charged, through the gateway: the `Cart.total` the promotions subgraph
 * shows is what checkout charges, the order keeps each line's share of the discounts, and a
 * return refunds that share, not the list price.
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
const onHand = (variantId: string, locationId: string) => stock.find((level) => level.variantId === variantId && level.locationId === locationId)?.onHand ?? 0;
const atBerlin = products.map((product) => product.variants[0]!).filter((variant) => onHand(variant.id, BERLIN) >= 3);
const ADDRESS = { name: 'Anna Ivanova', line1: 'Torstr. 1', postalCode: '10119', city: 'Berlin', countryCode: 'DE' };

interface MoneyView {
  amount: string;
  currencyCode: string;
}
interface CartView {
  id: string;
  version: number;
  channel: string;
  subtotal: MoneyView;
  discountTotal: MoneyView;
  total: MoneyView;
  discounts: { title: string; amount: MoneyView; promotion: { id: string } }[];
  lines: { edges: { node: { id: string; quantity: number; variant: { id: string } | null; unitPrice: MoneyView; lineTotal: MoneyView } }[] };
}
interface OrderLineView {
  id: string;
  quantity: number;
  variant: { id: string } | null;
  unitPrice: MoneyView;
  discount: MoneyView;
  paid: MoneyView;
  refunded: MoneyView;
}
interface OrderView {
  id: string;
  subtotal: MoneyView;
  discountTotal: MoneyView;
  shippingTotal: MoneyView;
  total: MoneyView;
  lines: OrderLineView[];
  payment: { status: string; captured: MoneyView; refunded: MoneyView };
}

const CART_FIELDS = `id version channel subtotal { amount currencyCode } discountTotal { amount currencyCode } total { amount currencyCode }
  discounts { title amount { amount currencyCode } promotion { id } }
  lines(first: 50) { edges { node { id quantity variant { id } unitPrice { amount currencyCode } lineTotal { amount currencyCode } } } }`;
const CART = `query($id: ID!) { cart(id: $id) { ${CART_FIELDS} } }`;
const ORDER = `order { id subtotal { amount currencyCode } discountTotal { amount currencyCode } shippingTotal { amount currencyCode } total { amount currencyCode }
  lines { id quantity variant { id } unitPrice { amount currencyCode } discount { amount currencyCode } paid { amount currencyCode } refunded { amount currencyCode } }
  payment { status captured { amount currencyCode } refunded { amount currencyCode } } }`;
const CHECKOUT = `mutation($input: CheckoutInput!) { checkout(input: $input) { ${ORDER} userErrors { code message field } } }`;
const ADD = `mutation($input: AddCartLinesInput!) { addCartLines(input: $input) { cart { id } userErrors { code message } } }`;
const RETURN = `mutation($input: ReturnOrderLinesInput!) { returnOrderLines(input: $input) { orderReturn { refund { amount currencyCode } } ${ORDER} userErrors { code message } } }`;

const minor = (money: MoneyView) => toMinorUnits(money.amount, money.currencyCode);

/**
 * The order charges what the cart showed, and its lines share the discount in proportion to their
 * value: each within one minor unit of its exact share, all adding up to the discount.
 */
function expectOrderToMatchCart(order: OrderView, cart: CartView) {
  expect(order.subtotal).toEqual(cart.subtotal);
  expect(order.discountTotal).toEqual(cart.discountTotal);
  expect(minor(order.total)).toBe(minor(cart.total) + minor(order.shippingTotal));
  const discount = minor(cart.discountTotal);
  const subtotal = minor(cart.subtotal);
  expect(order.lines.reduce((sum, line) => sum + minor(line.discount), 0)).toBe(discount);
  for (const line of order.lines) {
    const value = minor(line.unitPrice) * line.quantity;
    const exact = (discount * value) / subtotal;
    expect(minor(line.discount)).toBeGreaterThanOrEqual(Math.floor(exact) - 1);
    expect(minor(line.discount)).toBeLessThanOrEqual(Math.ceil(exact) + 1);
    expect(minor(line.paid)).toBe(value - minor(line.discount));
  }
  const cartLines = cart.lines.edges.map((edge) => edge.node);
  expect(order.lines.map((line) => [line.variant?.id, line.quantity, line.unitPrice])).toEqual(cartLines.map((line) => [line.variant?.id, line.quantity, line.unitPrice]));
}

describe('checkout charges the Cart.total shown (issue: discount shown, list price charged)', () => {
  it("charges Anna's 271.60 web cart the 244.44 it shows; the order lines keep their share of the 10% and a returned unit refunds its share", async () => {
    const anna = await supergraph.as('customer', 'anna', 'WEB');
    const cart = expectData(await anna(`{ me { cart { ${CART_FIELDS} } } }`)).me.cart as CartView;
    expect(cart.id).toBe(demoCart().id);
    expect([cart.subtotal.amount, cart.discountTotal.amount, cart.total.amount]).toEqual(['271.60', '27.16', '244.44']);
    expect(cart.discounts.map((discount) => discount.promotion.id)).toEqual([DEMO_PROMOTIONS[0]!.id]);

    const placed = expectData(
      await anna(CHECKOUT, {
        input: { cartId: cart.id, idempotencyKey: 'anna-web-1', expectedVersion: cart.version, fulfillment: { method: 'DELIVERY', shippingAddress: ADDRESS }, payment: { provider: 'TEST_CARD', cardToken: 'tok_visa' } },
      }),
    ).checkout;
    expect(placed.userErrors).toEqual([]);
    const order = placed.order as OrderView;
    expectOrderToMatchCart(order, cart);
    // Above 100.00 the standard parcel is free: the order total is exactly the cart total.
    expect(order.total).toEqual({ amount: '244.44', currencyCode: 'EUR' });
    expect(order.payment).toMatchObject({ status: 'CAPTURED', captured: { amount: '244.44' } });

    // Shipped, then one unit of the two-unit line comes back at the Berlin till.
    const admin = await supergraph.as('admin');
    const shipped = expectData(await admin(`mutation($orderId: ID!) { markOrderShipped(input: { orderId: $orderId }) { userErrors { code message } } }`, { orderId: order.id }));
    expect(shipped.markOrderShipped.userErrors).toEqual([]);
    const pair = order.lines.find((line) => line.quantity === 2)!;
    const till = await supergraph.as('staff', 'berlin-cashier', 'POS');
    const first = expectData(await till(RETURN, { input: { orderId: order.id, idempotencyKey: 'anna-return-1', lines: [{ orderLineId: pair.id, quantity: 1 }] } })).returnOrderLines;
    expect(first.userErrors).toEqual([]);
    const firstRefund = minor(first.orderReturn.refund);
    expect(firstRefund).toBe(Math.floor(minor(pair.paid) / 2));
    expect(firstRefund).toBeLessThan(minor(pair.unitPrice));
    // The second unit takes the rounding rest: the line refunds exactly what was paid for it.
    const second = expectData(await till(RETURN, { input: { orderId: order.id, idempotencyKey: 'anna-return-2', lines: [{ orderLineId: pair.id, quantity: 1 }] } })).returnOrderLines;
    expect(firstRefund + minor(second.orderReturn.refund)).toBe(minor(pair.paid));
    expect(second.order.lines.find((line: OrderLineView) => line.id === pair.id).refunded).toEqual(pair.paid);
    expect(minor(second.order.payment.refunded)).toBe(minor(pair.paid));
  });

  it('charges a POS cart both automatic promotions it shows (10% and 5.00 in store), allocated to the lines', async () => {
    const till = await supergraph.as('staff', 'berlin-cashier', 'POS');
    const chen = demoCustomer('chen');
    const created = expectData(await till(`mutation($input: CreateCartInput!) { createCart(input: $input) { cart { id channel } userErrors { code } } }`, { input: { customerId: chen.id } })).createCart;
    expect(created.cart.channel).toBe('POS');
    const cartId = created.cart.id;
    const [a, b, c] = atBerlin.slice(10, 13);
    const added = expectData(await till(ADD, { input: { cartId, lines: [{ variantId: a!.id, quantity: 1 }, { variantId: b!.id, quantity: 3 }, { variantId: c!.id, quantity: 1 }] } })).addCartLines;
    expect(added.userErrors).toEqual([]);
    const cart = expectData(await till(CART, { id: cartId })).cart as CartView;
    expect(cart.discounts.map((discount) => discount.promotion.id)).toEqual(DEMO_PROMOTIONS.map((promotion) => promotion.id));

    const placed = expectData(await till(CHECKOUT, { input: { cartId, idempotencyKey: 'pos-1', fulfillment: { method: 'PICKUP', locationId: BERLIN }, payment: { provider: 'CASH' } } })).checkout;
    expect(placed.userErrors).toEqual([]);
    const order = placed.order as OrderView;
    expectOrderToMatchCart(order, cart);
    expect(order.total).toEqual(cart.total);
    expect(order.payment).toMatchObject({ status: 'CAPTURED', captured: cart.total });
  });

  it("prices a USD cart with the variants' USD prices and charges its USD discount", async () => {
    const admin = await supergraph.as('admin');
    const promotion = expectData(
      await admin(`mutation($input: CreatePromotionInput!) { createPromotion(input: $input) { promotion { id } userErrors { code message } } }`, {
        input: { name: '15% off in dollars', kind: 'PERCENTAGE_OFF_ORDER', percentOff: 15, currencyCode: 'USD' },
      }),
    ).createPromotion;
    expect(promotion.userErrors).toEqual([]);

    const ben = await supergraph.as('customer', 'ben', 'WEB');
    const current = expectData(await ben(`{ me { cart { id lines(first: 50) { edges { node { id } } } } } }`)).me.cart;
    // Ben has no cart yet, so the one he opens now is his, in dollars.
    expect(current).toBeNull();
    const cartId = expectData(await ben(`mutation { createCart(input: { currencyCode: "USD" }) { cart { id currencyCode } userErrors { code } } }`)).createCart.cart.id;
    const [a, b] = atBerlin.slice(20, 22);
    const added = expectData(await ben(ADD, { input: { cartId, lines: [{ variantId: a!.id, quantity: 1 }, { variantId: b!.id, quantity: 2 }] } })).addCartLines;
    expect(added.userErrors).toEqual([]);
    const cart = expectData(await ben(CART, { id: cartId })).cart as CartView;
    const usd = (variant: typeof a) => variant!.otherPrices.find((price) => price.currencyCode === 'USD')!.amountMinor;
    expect(cart.lines.edges.map((edge) => minor(edge.node.unitPrice))).toEqual([usd(a), usd(b)]);
    expect(cart.subtotal).toEqual({ amount: ((usd(a) + 2 * usd(b)) / 100).toFixed(2), currencyCode: 'USD' });
    expect(cart.discounts.map((discount) => discount.promotion.id)).toEqual([promotion.promotion.id]);

    const placed = expectData(await ben(CHECKOUT, { input: { cartId, idempotencyKey: 'usd-1', fulfillment: { method: 'PICKUP', locationId: BERLIN }, payment: { provider: 'PAY_AT_PICKUP' } } })).checkout;
    expect(placed.userErrors).toEqual([]);
    const order = placed.order as OrderView;
    expectOrderToMatchCart(order, cart);
    expect(order.total).toEqual(cart.total);
  });
});
