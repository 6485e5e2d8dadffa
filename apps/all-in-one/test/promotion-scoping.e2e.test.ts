import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintAccessToken } from '@omni/auth';
import { DEMO_LOCATIONS, demoCatalog } from '@omni/demo-data';
import { expectData, gatewayClient, TEST_TOKEN_SECRET } from '@omni/testing';
import { startTestSupergraph, type TestSupergraph } from './support/test-supergraph';

/**
 * Promotions scoped to a store and to a customer segment, through the gateway: the cart carries
 * its store (a till's cart is at the cashier's store) and the customer subgraph says which
 * segments the cart's customer is in, and checkout charges exactly the `Cart.total` shown.
 */
let supergraph: TestSupergraph;

beforeAll(async () => {
  supergraph = await startTestSupergraph();
});

afterAll(async () => {
  await supergraph?.close();
});

const locationId = (key: string) => DEMO_LOCATIONS.find((location) => location.key === key)!.id;
const [BERLIN, HAMBURG] = [locationId('berlin-mitte'), locationId('hamburg-altona')];
const { products, stock } = demoCatalog();
const onHand = (variantId: string, at: string) => stock.find((level) => level.variantId === variantId && level.locationId === at)?.onHand ?? 0;
const atBerlin = products.map((product) => product.variants[0]!).filter((variant) => onHand(variant.id, BERLIN) >= 3);

type Client = ReturnType<typeof gatewayClient>;
interface Explanation {
  promotion: { id: string };
  status: string;
  amount: { amount: string } | null;
  reasons: { code: string; locationIds: string[] | null; segments: string[] | null }[];
}
interface CartView {
  id: string;
  version: number;
  channel: string;
  store: { id: string } | null;
  total: { amount: string; currencyCode: string };
  discountTotal: { amount: string; currencyCode: string };
  promotionExplanations: Explanation[];
}

const CART_FIELDS = `id version channel store { id } total { amount currencyCode } discountTotal { amount currencyCode }
  promotionExplanations { promotion { id } status amount { amount } reasons { code locationIds segments } }`;
const CART = `query($id: ID!) { cart(id: $id) { ${CART_FIELDS} } }`;
const CREATE_CART = `mutation($input: CreateCartInput!) { createCart(input: $input) { cart { id store { id } } userErrors { code field } } }`;
const ADD = `mutation($input: AddCartLinesInput!) { addCartLines(input: $input) { cart { id } userErrors { code message } } }`;
const CHECKOUT = `mutation($input: CheckoutInput!) { checkout(input: $input) {
  order { id total { amount currencyCode } discountTotal { amount currencyCode } } userErrors { code message field } } }`;
const CREATE_PROMOTION = `mutation($input: CreatePromotionInput!) { createPromotion(input: $input) { promotion { id } userErrors { code field message } } }`;

async function createPromotion(input: object): Promise<string> {
  const admin = await supergraph.as('admin');
  const created = expectData(await admin(CREATE_PROMOTION, { input })).createPromotion;
  expect(created.userErrors).toEqual([]);
  return created.promotion.id;
}

/** A cart started by `client` with one unit of each variant, as the gateway shows it. */
async function filledCart(client: Client, input: Record<string, unknown>, variants: { id: string }[]): Promise<CartView> {
  const created = expectData(await client(CREATE_CART, { input })).createCart;
  expect(created.userErrors).toEqual([]);
  const added = expectData(await client(ADD, { input: { cartId: created.cart.id, lines: variants.map((variant) => ({ variantId: variant.id, quantity: 1 })) } })).addCartLines;
  expect(added.userErrors).toEqual([]);
  return expectData(await client(CART, { id: created.cart.id })).cart as CartView;
}

const explanationOf = (cart: CartView, promotionId: string) => cart.promotionExplanations.find((explanation) => explanation.promotion.id === promotionId)!;

async function newCustomer(email: string): Promise<{ id: string; client: Client }> {
  const agent = await supergraph.as('staff', 'support-agent', 'CALL_CENTER');
  const identified = expectData(
    await agent(`mutation($input: IdentifyCustomerInput!) { identifyCustomer(input: $input) { customer { id } userErrors { code } } }`, {
      input: { identifiers: [{ kind: 'EMAIL', value: email, verified: true }] },
    }),
  ).identifyCustomer;
  expect(identified.userErrors).toEqual([]);
  const id = identified.customer.id as string;
  return { id, client: gatewayClient(supergraph.gatewayUrl, await mintAccessToken(TEST_TOKEN_SECRET, { role: 'customer', sub: id, channel: 'WEB' })) };
}

/** Segments follow orders through the event relay, so they are read until they show up. */
async function waitForSegment(customerId: string, kind: string): Promise<void> {
  const agent = await supergraph.as('staff', 'support-agent', 'CALL_CENTER');
  for (let attempt = 0; attempt < 100; attempt++) {
    const kinds = expectData(await agent(`query($id: ID!) { customer(id: $id) { segments { kind } } }`, { id: customerId })).customer.segments.map((segment: { kind: string }) => segment.kind);
    if (kinds.includes(kind)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${customerId} never reached ${kind}`);
}

describe('a promotion scoped to a store', () => {
  let berlinOnly: string;

  beforeAll(async () => {
    berlinOnly = await createPromotion({ name: 'Berlin Mitte anniversary', currencyCode: 'EUR', locationIds: [BERLIN], action: { type: 'ORDER_AMOUNT_OFF', amountOff: '3.00' } });
  });

  it("applies on a cashier's till cart at their store, and checkout charges the total shown", async () => {
    const till = await supergraph.as('staff', 'berlin-cashier', 'POS');
    const cart = await filledCart(till, {}, atBerlin.slice(0, 2));
    expect(cart).toMatchObject({ channel: 'POS', store: { id: BERLIN } });
    expect(explanationOf(cart, berlinOnly)).toMatchObject({ status: 'APPLIED', amount: { amount: '3.00' } });

    const placed = expectData(
      await till(CHECKOUT, { input: { cartId: cart.id, idempotencyKey: 'berlin-till-1', expectedVersion: cart.version, fulfillment: { method: 'PICKUP', locationId: BERLIN }, payment: { provider: 'CASH' } } }),
    ).checkout;
    expect(placed.userErrors).toEqual([]);
    expect(placed.order.total).toEqual(cart.total);
    expect(placed.order.discountTotal).toEqual(cart.discountTotal);
  });

  it('is explained NOT_AT_LOCATION on a web cart and on another store’s cart', async () => {
    const anna = await supergraph.as('customer', 'anna', 'WEB');
    const web = expectData(await anna(`{ me { cart { ${CART_FIELDS} } } }`)).me.cart as CartView;
    const admin = await supergraph.as('admin');
    const hamburg = await filledCart(admin, { channel: 'POS', storeId: HAMBURG }, atBerlin.slice(2, 3));
    expect(web.store).toBeNull();
    expect(hamburg.store).toEqual({ id: HAMBURG });
    for (const cart of [web, hamburg]) {
      expect(explanationOf(cart, berlinOnly)).toMatchObject({ status: 'NOT_APPLIED', reasons: [{ code: 'NOT_AT_LOCATION', locationIds: [BERLIN] }] });
    }
  });

  it('lets a cashier start carts at their own store only', async () => {
    const till = await supergraph.as('staff', 'berlin-cashier', 'POS');
    const refused = expectData(await till(CREATE_CART, { input: { storeId: HAMBURG } })).createCart;
    expect(refused).toEqual({ cart: null, userErrors: [expect.objectContaining({ code: 'FORBIDDEN', field: ['input', 'storeId'] })] });
  });
});

describe('a FIRST_TIME_BUYER promotion', () => {
  it('is NOT_IN_SEGMENT for a new customer, applies after their first order, and checkout charges it', async () => {
    const firstOrderThanks = await createPromotion({
      name: 'Thanks for your first order',
      currencyCode: 'EUR',
      conditions: [{ type: 'CUSTOMER_SEGMENT', segments: ['FIRST_TIME_BUYER'] }],
      action: { type: 'ORDER_PERCENT_OFF', percent: 20 },
    });
    const shopper = await newCustomer('first.timer@example.org');
    const pickup = (cart: CartView, key: string) => ({
      cartId: cart.id,
      idempotencyKey: key,
      expectedVersion: cart.version,
      fulfillment: { method: 'PICKUP', locationId: BERLIN },
      payment: { provider: 'PAY_AT_PICKUP' },
    });

    const first = await filledCart(shopper.client, {}, atBerlin.slice(3, 4));
    expect(explanationOf(first, firstOrderThanks)).toMatchObject({ status: 'NOT_APPLIED', reasons: [{ code: 'NOT_IN_SEGMENT', segments: ['FIRST_TIME_BUYER'] }] });
    const firstOrder = expectData(await shopper.client(CHECKOUT, { input: pickup(first, 'first-order') })).checkout;
    expect(firstOrder.userErrors).toEqual([]);
    expect(firstOrder.order.total).toEqual(first.total);

    await waitForSegment(shopper.id, 'FIRST_TIME_BUYER');
    const second = await filledCart(shopper.client, {}, atBerlin.slice(4, 6));
    expect(explanationOf(second, firstOrderThanks)).toMatchObject({ status: 'APPLIED' });
    const secondOrder = expectData(await shopper.client(CHECKOUT, { input: pickup(second, 'second-order') })).checkout;
    expect(secondOrder.userErrors).toEqual([]);
    expect(secondOrder.order.total).toEqual(second.total);
    expect(secondOrder.order.discountTotal).toEqual(second.discountTotal);
  });
});
