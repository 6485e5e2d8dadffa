import { demoCatalog } from '@omni/demo-data';
import { TEST_TOKEN_SECRET } from '@omni/testing';
import { mintDemoToken, type DemoTokenRole } from '../src/demo-tokens';
import type { Scenario } from './scenarios';

/**
 * "Cart with discounts through the gateway": a cart of 1, 10 and 100 lines read with its totals,
 * each line's discount and every promotion's explanation. The setup creates, through the admin
 * API, automatic promotions that hit every cart (an order percentage, a product percentage over
 * the products in the carts, a buy 1 get 1 on the first line's product) and a code-only amount
 * off whose code each cart carries, so every kind of pricing work happens on every request. SQL
 * statements per request should not grow with the number of lines.
 */
export const DISCOUNT_CART_SIZES = [1, 10, 100] as const;

const { products, stock } = demoCatalog();
const stockOf = (variantId: string) => stock.filter((level) => level.variantId === variantId).reduce((sum, level) => sum + level.onHand, 0);
/** One variant per product sold on the web with units to spare: the lines of the largest cart. */
const LINE_VARIANTS = products
  .filter((product) => product.channels.includes('WEB'))
  .map((product) => ({ productId: product.id, variant: product.variants.find((variant) => stockOf(variant.id) >= 5) }))
  .filter((entry): entry is { productId: string; variant: NonNullable<typeof entry.variant> } => entry.variant !== undefined)
  .slice(0, Math.max(...DISCOUNT_CART_SIZES));

const COUPON = 'BENCH-CART-CODE';

export const discountScenarioName = (size: number) => `cart with discounts, ${size} line${size === 1 ? '' : 's'} (4 automatic promotions + 1 code)`;

export const DISCOUNT_CART_QUERY = /* GraphQL */ `query($id: ID!) {
  cart(id: $id) {
    subtotal { amount currencyCode } discountTotal { amount } total { amount currencyCode }
    lineDiscounts { lineId amount { amount } total { amount } allocations { promotion { id name } amount { amount } } }
    promotionExplanations { promotion { id name } status amount { amount } couponCode reasons { code message } }
    lines(first: 100) { edges { node { quantity variant { product { title } } } } }
  }
}`;

async function client(gatewayUrl: string, role: DemoTokenRole, key?: string) {
  const token = await mintDemoToken(TEST_TOKEN_SECRET, role, key);
  return async <T>(query: string, variables: Record<string, unknown> = {}): Promise<T> => {
    const response = await fetch(gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as { data?: T; errors?: unknown[] };
    if (body.errors?.length || !body.data) throw new Error(`bench setup failed: ${JSON.stringify(body.errors)}`);
    return body.data;
  };
}

type Payload = { userErrors: { code: string; message: string; field?: string[] }[] };

function expectNoUserErrors(what: string, payload: Payload) {
  if (payload.userErrors.length > 0) throw new Error(`bench setup: ${what} refused: ${JSON.stringify(payload.userErrors)}`);
}

/**
 * Creates the promotions and one guest cart per size, and returns the read scenarios. Checks that
 * every promotion applies to every cart, so the figures are about a discounted cart, not an
 * undiscounted one that happens to be cheap.
 */
export async function setUpDiscountScenarios(gatewayUrl: string, sizes: readonly number[] = DISCOUNT_CART_SIZES): Promise<Scenario[]> {
  if (LINE_VARIANTS.length < Math.max(...DISCOUNT_CART_SIZES)) throw new Error(`bench setup: only ${LINE_VARIANTS.length} variants to fill the carts`);
  const admin = await client(gatewayUrl, 'admin');
  const create = async (input: Record<string, unknown>) => {
    const payload = (await admin<{ createPromotion: Payload & { promotion: { id: string } | null } }>(
      `mutation($input: CreatePromotionInput!) { createPromotion(input: $input) { promotion { id } userErrors { code message field } } }`,
      { input: { currencyCode: 'EUR', ...input } },
    )).createPromotion;
    expectNoUserErrors(`createPromotion ${String(input.name)}`, payload);
    return payload.promotion!.id;
  };
  const firstProduct = LINE_VARIANTS[0]!.productId;
  const promotions = [
    await create({ name: 'Bench: 5% off the order', action: { type: 'ORDER_PERCENT_OFF', percent: 5 } }),
    await create({ name: 'Bench: 15% off the bench products', action: { type: 'LINES_PERCENT_OFF', percent: 15, target: { kind: 'PRODUCT', ids: LINE_VARIANTS.map((entry) => entry.productId) } }, priority: 5 }),
    await create({ name: 'Bench: 2 for 1', action: { type: 'BUY_X_GET_Y', target: { kind: 'PRODUCT', ids: [firstProduct] }, buyQuantity: 1, getQuantity: 1, percent: 100 }, priority: 10 }),
  ];
  const coded = await create({ name: 'Bench: 2.00 off with a code', requiresCoupon: true, action: { type: 'ORDER_AMOUNT_OFF', amountOff: '2.00' } });
  const codes = (await admin<{ createCouponCodes: Payload }>(
    `mutation($input: CreateCouponCodesInput!) { createCouponCodes(input: $input) { userErrors { code message field } } }`,
    { input: { promotionId: coded, codes: [COUPON] } },
  )).createCouponCodes;
  expectNoUserErrors('createCouponCodes', codes);

  const scenarios: Scenario[] = [];
  for (const size of sizes) {
    const key = `bench-discounts-${size}`;
    const guest = await client(gatewayUrl, 'guest', key);
    const cartId = (await guest<{ createCart: { cart: { id: string } } }>(`mutation { createCart(input: {}) { cart { id } } }`)).createCart.cart.id;
    // The first line holds two units, so the 2 for 1 has its pair in every cart.
    const lines = LINE_VARIANTS.slice(0, size).map((entry, i) => ({ variantId: entry.variant.id, quantity: i === 0 ? 2 : 1 }));
    const added = (await guest<{ addCartLines: Payload }>(`mutation($input: AddCartLinesInput!) { addCartLines(input: $input) { userErrors { code message } } }`, { input: { cartId, lines } })).addCartLines;
    expectNoUserErrors(`addCartLines (${size} lines)`, added);
    const applied = (await guest<{ applyCouponCode: Payload }>(`mutation($input: ApplyCouponCodeInput!) { applyCouponCode(input: $input) { userErrors { code message } } }`, { input: { cartId, code: COUPON } })).applyCouponCode;
    expectNoUserErrors('applyCouponCode', applied);

    const priced = (await guest<{ cart: { lineDiscounts: unknown[]; promotionExplanations: { promotion: { id: string }; status: string }[] } }>(DISCOUNT_CART_QUERY, { id: cartId })).cart;
    const applying = new Set(priced.promotionExplanations.filter((explanation) => explanation.status === 'APPLIED').map((explanation) => explanation.promotion.id));
    const missing = [...promotions, coded].filter((id) => !applying.has(id));
    if (missing.length > 0) throw new Error(`bench setup: promotions ${missing.join(', ')} do not apply to the ${size}-line cart`);
    if (priced.lineDiscounts.length !== size) throw new Error(`bench setup: ${priced.lineDiscounts.length} line discounts for ${size} lines`);

    scenarios.push({ name: discountScenarioName(size), role: 'guest', key, query: DISCOUNT_CART_QUERY, variables: { id: cartId } });
  }
  return scenarios;
}
