import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_LOCATIONS, demoCatalog } from '@omni/demo-data';
import { toMinorUnits } from '@omni/graphql';
import { expectData } from '@omni/testing';
import { startTestSupergraph, type TestSupergraph } from './support/test-supergraph';

/**
 * Promotions built from the engine's model, through the gateway: a product "2 for 1" and a
 * code-only amount off. The cart shows every line's share and why each promotion applies or not,
 * the product shows its badge, and checkout charges exactly the cart's total, line by line.
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
const onHand = (variantId: string) => stock.filter((level) => level.variantId === variantId && level.locationId === BERLIN).reduce((sum, level) => sum + level.onHand, 0);
const [sock, hat] = products.filter((product) => onHand(product.variants[0]!.id) >= 3).slice(30, 32);

const CREATE = `mutation($input: CreatePromotionInput!) { createPromotion(input: $input) { promotion { id } userErrors { code field message } } }`;
const CART = `query($id: ID!) { cart(id: $id) {
  id version subtotal { amount } discountTotal { amount } total { amount currencyCode }
  lines(first: 10) { edges { node { id variant { id } } } }
  lineDiscounts { lineId amount { amount } allocations { promotion { id } amount { amount } } }
  promotionExplanations { promotion { id } status couponCode reasons { code message } }
  unmatchedCouponCodes { code reason }
} }`;
const CHECKOUT = `mutation($input: CheckoutInput!) { checkout(input: $input) {
  order { total { amount currencyCode } discountTotal { amount } lines { variant { id } quantity discount { amount } } } userErrors { code message }
} }`;
const minor = (money: { amount: string }) => toMinorUnits(money.amount, 'EUR');

describe('promotions from the rules model, through the gateway', () => {
  it('shows a 2 for 1 with its badge and explanations, unlocks a code-only promotion, and checks out at the total shown', async () => {
    const admin = await supergraph.as('admin');
    const twoForOne = expectData(
      await admin(CREATE, {
        input: {
          name: '2 for 1 on the product',
          currencyCode: 'EUR',
          action: { type: 'BUY_X_GET_Y', target: { kind: 'PRODUCT', ids: [sock!.id] }, buyQuantity: 1, getQuantity: 1, percent: 100 },
          stacking: { mode: 'COMBINABLE', combinesWithOrder: true, combinesWithProduct: true },
        },
      }),
    ).createPromotion;
    expect(twoForOne.userErrors).toEqual([]);
    const coded = expectData(
      await admin(CREATE, { input: { name: '3 EUR with a code', currencyCode: 'EUR', requiresCoupon: true, action: { type: 'ORDER_AMOUNT_OFF', amountOff: '3.00' }, stacking: { mode: 'COMBINABLE', combinesWithOrder: true, combinesWithProduct: true } } }),
    ).createPromotion;
    const codes = expectData(await admin(`mutation($input: CreateCouponCodesInput!) { createCouponCodes(input: $input) { couponCodes { code } userErrors { code } } }`, { input: { promotionId: coded.promotion.id, codes: ['E2E-THREE'] } })).createCouponCodes;
    expect(codes.userErrors).toEqual([]);

    const badges = expectData(await supergraph.anonymous(`query($id: ID!) { product(id: $id) { promotionBadges { label promotion { id } } } }`, { id: sock!.id })).product;
    expect(badges.promotionBadges).toEqual([{ label: '2 for 1', promotion: { id: twoForOne.promotion.id } }]);

    const chen = await supergraph.as('customer', 'chen', 'WEB');
    const cartId = expectData(await chen(`mutation { createCart(input: {}) { cart { id } userErrors { code } } }`)).createCart.cart.id;
    const added = expectData(
      await chen(`mutation($input: AddCartLinesInput!) { addCartLines(input: $input) { userErrors { code message } } }`, {
        input: { cartId, lines: [{ variantId: sock!.variants[0]!.id, quantity: 2 }, { variantId: hat!.variants[0]!.id, quantity: 1 }] },
      }),
    ).addCartLines;
    expect(added.userErrors).toEqual([]);
    const applied = expectData(await chen(`mutation($input: ApplyCouponCodeInput!) { applyCouponCode(input: $input) { userErrors { code } } }`, { input: { cartId, code: 'e2e-three' } })).applyCouponCode;
    expect(applied.userErrors).toEqual([]);

    const cart = expectData(await chen(CART, { id: cartId })).cart;
    const unit = sock!.variants[0]!.priceMinor;
    const explained = new Map(cart.promotionExplanations.map((e: { promotion: { id: string }; status: string; couponCode: string | null }) => [e.promotion.id, e]));
    expect(explained.get(twoForOne.promotion.id)).toMatchObject({ status: 'APPLIED', couponCode: null });
    expect(explained.get(coded.promotion.id)).toMatchObject({ status: 'APPLIED', couponCode: 'E2E-THREE' });
    expect(cart.unmatchedCouponCodes).toEqual([]);
    const sockLine = cart.lines.edges.find((edge: { node: { variant: { id: string } } }) => edge.node.variant.id === sock!.variants[0]!.id).node.id;
    const sockDiscount = cart.lineDiscounts.find((line: { lineId: string }) => line.lineId === sockLine);
    // The seeded 10 % (created first, same priority) applies first; the free unit gives up what is left of it.
    const free = sockDiscount.allocations.find((share: { promotion: { id: string } }) => share.promotion.id === twoForOne.promotion.id);
    expect(minor(free.amount)).toBeGreaterThan(0);
    expect(minor(free.amount)).toBeLessThanOrEqual(unit);
    expect(minor(sockDiscount.amount)).toBeGreaterThanOrEqual(unit);
    expect(cart.lineDiscounts.reduce((sum: number, line: { amount: { amount: string } }) => sum + minor(line.amount), 0)).toBe(minor(cart.discountTotal));

    const placed = expectData(
      await chen(CHECKOUT, { input: { cartId, idempotencyKey: 'rules-1', expectedVersion: cart.version, fulfillment: { method: 'PICKUP', locationId: BERLIN }, payment: { provider: 'PAY_AT_PICKUP' } } }),
    ).checkout;
    expect(placed.userErrors).toEqual([]);
    expect(placed.order.total).toEqual(cart.total);
    expect(placed.order.discountTotal).toEqual(cart.discountTotal);
    const byVariant = new Map(cart.lines.edges.map((edge: { node: { id: string; variant: { id: string } } }) => [edge.node.variant.id, edge.node.id]));
    for (const line of placed.order.lines) {
      const shown = cart.lineDiscounts.find((discount: { lineId: string }) => discount.lineId === byVariant.get(line.variant.id));
      expect(line.discount).toEqual(shown.amount);
    }
  });
});
