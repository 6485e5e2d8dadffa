import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_LOCATIONS, DEMO_OFFER_TEMPLATES, demoCatalog } from '@omni/demo-data';
import { toMoney } from '@omni/graphql';
import { expectData } from '@omni/testing';
import { startTestSupergraph, type TestSupergraph } from './support/test-supergraph';

/**
 * Personal offers through the gateway (J8, J10): a customer who keeps coming back to a product gets
 * a "2 for 1" on it in `me { offers }`; it works on their cart only, checkout charges it, and then
 * it is USED. The first order earns the welcome coupon.
 */
let supergraph: TestSupergraph;

beforeAll(async () => {
  supergraph = await startTestSupergraph();
});

afterAll(async () => {
  await supergraph?.close();
});

const WAREHOUSES = DEMO_LOCATIONS.filter((location) => location.kind === 'WAREHOUSE').map((location) => location.id);
const { products, stock } = demoCatalog();
const inWarehouse = (variantId: string) => stock.filter((level) => level.variantId === variantId && WAREHOUSES.includes(level.locationId)).reduce((sum, level) => sum + level.onHand, 0);
/** Two of it stay under the automatic "10 % over 50 EUR", so the only discount is the offer's. */
const PRODUCT = products.find((product) => product.channels.includes('MOBILE_APP') && product.variants[0]!.priceMinor * 2 < 5000 && inWarehouse(product.variants[0]!.id) >= 5)!;
const VARIANT = PRODUCT.variants[0]!;
const ADDRESS = { name: 'Chen Wei', line1: 'Torstr. 1', postalCode: '10119', city: 'Berlin', countryCode: 'DE' };

const OFFERS = `{ me { id offers { code title trigger status expiresAt product { id title } } } }`;
const VIEW = `mutation($id: ID!) { recordProductView(input: { productId: $id }) { userErrors { code field } } }`;
const CREATE_CART = `mutation { createCart(input: {}) { cart { id } userErrors { code } } }`;
const ADD = `mutation($input: AddCartLinesInput!) { addCartLines(input: $input) { cart { id } userErrors { code message } } }`;
const APPLY = `mutation($input: ApplyCouponCodeInput!) { applyCouponCode(input: $input) { cart { couponCodes } userErrors { code field message } } }`;
const CART = `query($id: ID!) { cart(id: $id) { id version subtotal { amount } discountTotal { amount } total { amount }
  promotionExplanations { promotion { name } status couponCode reasons { code } } } }`;
const CHECKOUT = `mutation($input: CheckoutInput!) { checkout(input: $input) { order { id discountTotal { amount } lines { quantity discount { amount } } } userErrors { code message } } }`;

type Offer = { code: string; title: string; trigger: string; status: string; product: { id: string; title: string } | null };

describe('a personal offer on the product a customer keeps coming back to', () => {
  it('is issued after three views, prices as 2 for 1 on their cart only, is charged at checkout and is then USED', async () => {
    const chen = await supergraph.as('customer', 'chen', 'MOBILE_APP');
    for (let view = 0; view < 3; view += 1) expect(expectData(await chen(VIEW, { id: PRODUCT.id })).recordProductView.userErrors).toEqual([]);
    await supergraph.settleEvents();

    const offers = expectData(await chen(OFFERS)).me.offers as Offer[];
    const template = DEMO_OFFER_TEMPLATES.find((candidate) => candidate.trigger === 'ENGAGED_WITH_PRODUCT')!;
    expect(offers).toEqual([expect.objectContaining({ title: template.name, trigger: 'ENGAGED_WITH_PRODUCT', status: 'AVAILABLE', product: { id: PRODUCT.id, title: PRODUCT.title } })]);
    const code = offers[0]!.code;

    // On anyone else's cart the code is refused at once.
    const ben = await supergraph.as('customer', 'ben', 'MOBILE_APP');
    const bensCart = expectData(await ben(CREATE_CART)).createCart.cart.id as string;
    const refused = expectData(await ben(APPLY, { input: { cartId: bensCart, code } })).applyCouponCode;
    expect(refused.userErrors).toEqual([expect.objectContaining({ code: 'COUPON_NOT_YOURS', field: ['input', 'code'] })]);

    const cartId = expectData(await chen(CREATE_CART)).createCart.cart.id as string;
    expect(expectData(await chen(ADD, { input: { cartId, lines: [{ variantId: VARIANT.id, quantity: 2 }] } })).addCartLines.userErrors).toEqual([]);
    expect(expectData(await chen(APPLY, { input: { cartId, code: code.toLowerCase() } })).applyCouponCode.userErrors).toEqual([]);

    const unitPrice = toMoney(VARIANT.priceMinor, 'EUR').amount;
    const cart = expectData(await chen(CART, { id: cartId })).cart;
    expect(cart.discountTotal.amount).toBe(unitPrice);
    expect(cart.total.amount).toBe(unitPrice);
    expect(cart.promotionExplanations).toContainEqual(expect.objectContaining({ promotion: { name: template.name }, status: 'APPLIED', couponCode: code }));

    const placed = expectData(
      await chen(CHECKOUT, {
        input: { cartId, idempotencyKey: 'chen-offer-1', expectedVersion: cart.version, fulfillment: { method: 'DELIVERY', shippingAddress: ADDRESS }, payment: { provider: 'TEST_CARD', cardToken: 'tok_visa' } },
      }),
    ).checkout;
    expect(placed.userErrors).toEqual([]);
    expect(placed.order.discountTotal.amount).toBe(unitPrice);
    await supergraph.settleEvents();

    const after = expectData(await chen(OFFERS)).me.offers as Offer[];
    expect(after.find((offer) => offer.code === code)?.status).toBe('USED');
    // The first order earned the welcome coupon, usable on the next one.
    const welcome = DEMO_OFFER_TEMPLATES.find((candidate) => candidate.trigger === 'FIRST_ORDER')!;
    expect(after).toContainEqual(expect.objectContaining({ title: welcome.name, trigger: 'FIRST_ORDER', status: 'AVAILABLE', product: null }));
  }, 60_000);

  it('shows the offers to staff who serve customers', async () => {
    const chenId = expectData(await (await supergraph.as('customer', 'chen'))(`{ me { id } }`)).me.id as string;
    const QUERY = `query($id: ID!) { customer(id: $id) { offers { code } } }`;
    const agent = await supergraph.as('staff', 'support-agent');
    expect(expectData(await agent(QUERY, { id: chenId })).customer.offers.length).toBeGreaterThan(0);
  });
});
