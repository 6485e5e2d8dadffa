import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_LOCATIONS, demoCart, demoCatalog } from '@omni/demo-data';
import { expectData } from '@omni/testing';
import { startTestSupergraph, type TestSupergraph } from './support/test-supergraph';

/**
 * Coupon codes travel with the one cart through the gateway, whatever channel enters them; and
 * checkout counts promotion usage in the same saga, so a promotion limited to N uses is used at
 * most N times however many checkouts race for it.
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
const inDollarsAtBerlin = products
  .map((product) => product.variants[0]!)
  .filter((variant) => onHand(variant.id, BERLIN) >= 6 && variant.otherPrices.some((price) => price.currencyCode === 'USD'));

const APPLY = `mutation($input: ApplyCouponCodeInput!) { applyCouponCode(input: $input) { cart { id version couponCodes } userErrors { code field } } }`;
const REMOVE = `mutation($input: RemoveCouponCodeInput!) { removeCouponCode(input: $input) { cart { id version couponCodes } userErrors { code field } } }`;
const CHECKOUT = `mutation($input: CheckoutInput!) { checkout(input: $input) { order { id discountTotal { amount } total { amount currencyCode } } userErrors { code message } } }`;

describe('coupon codes on the one cart', () => {
  it('entered in the app, shown on the web and at the till, removed by the cashier; every change is one more version', async () => {
    const cartId = demoCart().id;
    const app = await supergraph.as('customer', 'anna', 'MOBILE_APP');
    const web = await supergraph.as('customer', 'anna', 'WEB');
    const till = await supergraph.as('staff', 'berlin-cashier', 'POS');
    const admin = await supergraph.as('admin');
    const created = expectData(
      await admin(`mutation($input: CreatePromotionInput!) { createPromotion(input: $input) { promotion { id } userErrors { code message } } }`, {
        input: { name: 'Welcome 10', currencyCode: 'EUR', requiresCoupon: true, action: { type: 'ORDER_AMOUNT_OFF', amountOff: '10.00' } },
      }),
    ).createPromotion;
    expect(created.userErrors).toEqual([]);
    const codes = `mutation($input: CreateCouponCodesInput!) { createCouponCodes(input: $input) { userErrors { code } } }`;
    expect(expectData(await admin(codes, { input: { promotionId: created.promotion.id, codes: ['WELCOME-10'] } })).createCouponCodes.userErrors).toEqual([]);
    const before = expectData(await web(`{ me { cart { id version couponCodes } } }`)).me.cart;
    expect(before).toMatchObject({ id: cartId, couponCodes: [] });

    // A code no promotion has is refused at once, in any channel, and the cart stays as it was.
    const unknown = expectData(await app(APPLY, { input: { cartId, code: 'welcome-100', expectedVersion: before.version } })).applyCouponCode;
    expect(unknown).toEqual({ cart: null, userErrors: [{ code: 'COUPON_UNKNOWN', field: ['input', 'code'] }] });

    const applied = expectData(await app(APPLY, { input: { cartId, code: ' welcome-10 ', expectedVersion: before.version } })).applyCouponCode;
    expect(applied).toEqual({ cart: { id: cartId, version: before.version + 1, couponCodes: ['WELCOME-10'] }, userErrors: [] });
    expect(expectData(await web(`{ me { cart { couponCodes } } }`)).me.cart.couponCodes).toEqual(['WELCOME-10']);
    const atTill = expectData(await till(`query($id: ID!) { cart(id: $id) { couponCodes } }`, { id: cartId })).cart;
    expect(atTill.couponCodes).toEqual(['WELCOME-10']);

    const stale = expectData(await web(REMOVE, { input: { cartId, code: 'WELCOME-10', expectedVersion: before.version } })).removeCouponCode;
    expect(stale.userErrors).toEqual([{ code: 'VERSION_CONFLICT', field: ['input', 'expectedVersion'] }]);
    const stranger = await supergraph.as('customer', 'ben', 'WEB');
    expect(expectData(await stranger(APPLY, { input: { cartId, code: 'MINE' } })).applyCouponCode.userErrors).toEqual([{ code: 'FORBIDDEN', field: ['input', 'cartId'] }]);

    const removed = expectData(await till(REMOVE, { input: { cartId, code: 'welcome-10' } })).removeCouponCode;
    expect(removed).toEqual({ cart: { id: cartId, version: before.version + 2, couponCodes: [] }, userErrors: [] });
    await admin(`mutation($input: SetPromotionStatusInput!) { setPromotionStatus(input: $input) { userErrors { code } } }`, { input: { promotionId: created.promotion.id, status: 'ARCHIVED' } });
  });
});

describe('checkout counts promotion usage', () => {
  it('gives a promotion limited to 2 uses to exactly 2 of 6 racing checkouts; the rest are refused or charged without it, nothing oversold', async () => {
    const admin = await supergraph.as('admin');
    const created = expectData(
      await admin(`mutation($input: CreatePromotionInput!) { createPromotion(input: $input) { promotion { id } userErrors { code message } } }`, {
        input: { name: 'First two in dollars', kind: 'FIXED_AMOUNT_OFF_ORDER', amountOff: '3.00', currencyCode: 'USD', usageLimit: 2 },
      }),
    ).createPromotion;
    expect(created.userErrors).toEqual([]);
    const variant = inDollarsAtBerlin[0]!;

    const shoppers = await Promise.all(
      Array.from({ length: 6 }, async (_, index) => {
        const guest = await supergraph.as('guest', `usage-race-${index}`);
        const cartId = expectData(await guest(`mutation { createCart(input: { currencyCode: "USD" }) { cart { id } } }`)).createCart.cart.id as string;
        const added = expectData(await guest(`mutation($input: AddCartLinesInput!) { addCartLines(input: $input) { userErrors { code } } }`, { input: { cartId, lines: [{ variantId: variant.id, quantity: 1 }] } }));
        expect(added.addCartLines.userErrors).toEqual([]);
        const shown = expectData(await guest(`query($id: ID!) { cart(id: $id) { discounts { promotion { id } } } }`, { id: cartId })).cart;
        expect(shown.discounts.map((discount: { promotion: { id: string } }) => discount.promotion.id)).toContain(created.promotion.id);
        return { guest, cartId };
      }),
    );

    const results = await Promise.all(
      shoppers.map(({ guest, cartId }) =>
        guest(CHECKOUT, { input: { cartId, idempotencyKey: 'race', fulfillment: { method: 'PICKUP', locationId: BERLIN }, payment: { provider: 'PAY_AT_PICKUP' } } }).then((response) => expectData(response).checkout),
      ),
    );
    const discounted = results.filter((result) => result.order && result.order.discountTotal.amount !== '0.00');
    const refused = results.filter((result) => !result.order);
    // The first two holds win; a checkout priced before they were made is refused, one priced after is not discounted.
    expect(discounted).toHaveLength(2);
    for (const result of refused) expect(result.userErrors.map((error: { code: string }) => error.code)).toEqual(['PROMOTION_UNAVAILABLE']);

    const uses = expectData(await admin(`query($id: ID!) { promotion(id: $id) { timesUsed } }`, { id: created.promotion.id })).promotion;
    expect(uses.timesUsed).toBe(discounted.length);

    // A refused shopper checks out again with the same key: the cart is priced anew, without the used-up promotion.
    for (const [index, result] of results.entries()) {
      if (result.order) continue;
      const { guest, cartId } = shoppers[index]!;
      const retried = expectData(await guest(CHECKOUT, { input: { cartId, idempotencyKey: 'race', fulfillment: { method: 'PICKUP', locationId: BERLIN }, payment: { provider: 'PAY_AT_PICKUP' } } })).checkout;
      expect(retried.userErrors).toEqual([]);
      expect(retried.order.discountTotal.amount).toBe('0.00');
    }
  });
});
