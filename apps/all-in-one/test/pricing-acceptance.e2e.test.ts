import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoId } from '@omni/db';
import { DEMO_LOCATIONS, DEMO_PROMOTIONS, demoCatalog, demoCustomer } from '@omni/demo-data';
import { toMinorUnits } from '@omni/graphql';
import { expectData } from '@omni/testing';
import { startTestSupergraph, type TestSupergraph } from './support/test-supergraph';

/**
 * Acceptance of pricing through the gateway: what the cart shows just before checkout (totals and
 * each line's discount) is what the order charges, line by line, for carts built to hit every kind
 * of promotion in several channels; a "2 for 1" return refunds what was paid, not the list price;
 * codes that cannot apply are refused when entered and codes that stop working change no price;
 * invalid promotions are refused whole; a gift is offered on the cart and priced free once added.
 *
 * Expected discounts come from a small model of the published rules (promotions README and the
 * engine README): percentages half up once per promotion, each discount on what the ones before it
 * left, allocation to lines by largest remainder with ties by line id, multi-buy on the cheapest
 * units, bundles on the dearest. The seeded promotions are paused and every case archives its own,
 * so each cart sees exactly the promotions its case lists.
 */
let supergraph: TestSupergraph;
type Client = Awaited<ReturnType<TestSupergraph['as']>>;
let admin: Client;

const BERLIN = DEMO_LOCATIONS.find((location) => location.key === 'berlin-mitte')!.id;
const { products, stock } = demoCatalog();
const onHand = (variantId: string) => stock.find((level) => level.variantId === variantId && level.locationId === BERLIN)?.onHand ?? 0;
/** Products on sale in every channel with units at the Berlin store, one per role below; distinct prices where a rule picks units by price. */
const POOL = products.slice(40, 200).filter((product) => product.channels.length === 8 && onHand(product.variants[0]!.id) >= 5);
let nextProduct = 0;
const takeProduct = () => POOL[nextProduct++]!;

const CREATE = `mutation($input: CreatePromotionInput!) { createPromotion(input: $input) { promotion { id } userErrors { code field message } } }`;
const SET_STATUS = `mutation($input: SetPromotionStatusInput!) { setPromotionStatus(input: $input) { promotion { status } userErrors { code } } }`;
const CODES = `mutation($input: CreateCouponCodesInput!) { createCouponCodes(input: $input) { couponCodes { code } userErrors { code field } } }`;
const ADD = `mutation($input: AddCartLinesInput!) { addCartLines(input: $input) { cart { id } userErrors { code message } } }`;
const APPLY = `mutation($input: ApplyCouponCodeInput!) { applyCouponCode(input: $input) { cart { version couponCodes } userErrors { code field } } }`;
const CART = `query($id: ID!) { cart(id: $id) {
  id version channel couponCodes subtotal { amount currencyCode } discountTotal { amount currencyCode } total { amount currencyCode }
  lines(first: 100) { edges { node { id quantity unitPrice { amount } variant { id product { id } } } } }
  lineDiscounts { lineId amount { amount currencyCode } total { amount } allocations { promotion { id } amount { amount } } }
  promotionExplanations { promotion { id } status amount { amount } couponCode reasons { code } }
  unmatchedCouponCodes { code reason }
} }`;
const ORDER_FIELDS = `id subtotal { amount currencyCode } discountTotal { amount currencyCode } shippingTotal { amount } total { amount currencyCode }
  lines { id quantity variant { id } unitPrice { amount } discount { amount currencyCode } paid { amount currencyCode } refunded { amount } returnedQuantity }
  payment { status captured { amount } refunded { amount } }`;
const CHECKOUT = `mutation($input: CheckoutInput!) { checkout(input: $input) { order { ${ORDER_FIELDS} } userErrors { code message field } } }`;

interface Money {
  amount: string;
  currencyCode?: string;
}
interface CartView {
  id: string;
  version: number;
  channel: string;
  couponCodes: string[];
  subtotal: Money;
  discountTotal: Money;
  total: Money;
  lines: { edges: { node: { id: string; quantity: number; unitPrice: Money; variant: { id: string; product: { id: string } } } }[] };
  lineDiscounts: { lineId: string; amount: Money; total: Money; allocations: { promotion: { id: string }; amount: Money }[] }[];
  promotionExplanations: { promotion: { id: string }; status: string; amount: Money | null; couponCode: string | null; reasons: { code: string }[] }[];
  unmatchedCouponCodes: { code: string; reason: string }[];
}
interface OrderView {
  id: string;
  subtotal: Money;
  discountTotal: Money;
  shippingTotal: Money;
  total: Money;
  lines: { id: string; quantity: number; variant: { id: string }; unitPrice: Money; discount: Money; paid: Money; refunded: Money; returnedQuantity: number }[];
  payment: { status: string; captured: Money; refunded: Money };
}

const minor = (money: Money) => toMinorUnits(money.amount, 'EUR');
const euros = (minorUnits: number) => (minorUnits / 100).toFixed(2);

// --- The model of the rules -----------------------------------------------------------------

interface ModelLine {
  lineId: string;
  productId: string;
  unit: number;
  quantity: number;
}

/** `percent` % of an amount, half up. */
const percentOf = (amount: number, percent: number) => Math.floor((amount * percent + 50) / 100);

/** Largest remainder: floors, then one unit each to the largest fractional rests, ties by ascending line id. */
function allocate(total: number, weights: { lineId: string; weight: number }[]): number[] {
  const sum = weights.reduce((acc, w) => acc + w.weight, 0);
  if (total === 0 || sum === 0) return weights.map(() => 0);
  const shares = weights.map((w) => Math.floor((total * w.weight) / sum));
  let left = total - shares.reduce((acc, share) => acc + share, 0);
  const order = weights
    .map((w, index) => ({ index, rest: (total * w.weight) % sum, lineId: w.lineId }))
    .sort((a, b) => b.rest - a.rest || (a.lineId < b.lineId ? -1 : a.lineId > b.lineId ? 1 : 0));
  for (let i = 0; left > 0; i += 1, left -= 1) shares[order[i % order.length]!.index]! += 1;
  return shares;
}

/** A promotion as the model prices it; `steps` run in the order the promotions apply (priority, highest first). */
type Step =
  | { type: 'ORDER_PERCENT'; percent: number }
  | { type: 'ORDER_AMOUNT'; amount: number }
  | { type: 'TIERED'; tiers: { threshold: number; amountOff: number }[] }
  | { type: 'LINES_PERCENT'; productIds: string[]; percent: number }
  | { type: 'LINES_AMOUNT'; productIds: string[]; perUnit: number }
  | { type: 'BUY_X_GET_Y'; productIds: string[]; buy: number; get: number; percent: number }
  | { type: 'BUNDLE'; items: { productId: string; quantity: number }[]; price: number };

/** Each line's discount after the steps, in the order of `lines`, and the discount each step gave. */
function priceWithModel(lines: ModelLine[], steps: Step[]) {
  const subtotal = lines.reduce((sum, line) => sum + line.unit * line.quantity, 0);
  const left = lines.map((line) => line.unit * line.quantity);
  const discounts = lines.map(() => 0);
  const perStep: number[] = [];
  const spread = (indices: number[], amountOf: (base: number) => number) => {
    const base = indices.reduce((sum, i) => sum + left[i]!, 0);
    const amount = Math.min(amountOf(base), base);
    return { indices, shares: allocate(amount, indices.map((i) => ({ lineId: lines[i]!.lineId, weight: left[i]! }))) };
  };
  const all = lines.map((_, i) => i);
  const matching = (productIds: string[]) => all.filter((i) => productIds.includes(lines[i]!.productId));
  for (const step of steps) {
    let result: { indices: number[]; shares: number[] };
    switch (step.type) {
      case 'ORDER_PERCENT':
        result = spread(all, (base) => percentOf(base, step.percent));
        break;
      case 'ORDER_AMOUNT':
        result = spread(all, () => step.amount);
        break;
      case 'TIERED': {
        const reached = step.tiers.filter((tier) => tier.threshold <= subtotal).at(-1);
        result = spread(all, () => reached?.amountOff ?? 0);
        break;
      }
      case 'LINES_PERCENT':
        result = spread(matching(step.productIds), (base) => percentOf(base, step.percent));
        break;
      case 'LINES_AMOUNT': {
        const indices = matching(step.productIds);
        result = { indices, shares: indices.map((i) => Math.min(step.perUnit * lines[i]!.quantity, left[i]!)) };
        break;
      }
      case 'BUY_X_GET_Y': {
        // Whole-unit values: the cases apply multi-buys before anything else touched their lines.
        const indices = matching(step.productIds);
        const units = indices.flatMap((i) => Array.from({ length: lines[i]!.quantity }, () => ({ i, value: lines[i]!.unit }))).sort((a, b) => a.value - b.value);
        const free = Math.floor(units.length / (step.buy + step.get)) * step.get;
        const valueByLine = new Map<number, number>();
        for (const unit of units.slice(0, free)) valueByLine.set(unit.i, (valueByLine.get(unit.i) ?? 0) + unit.value);
        result = { indices, shares: indices.map((i) => percentOf(valueByLine.get(i) ?? 0, step.percent)) };
        break;
      }
      case 'BUNDLE': {
        const sets = Math.min(...step.items.map((item) => Math.floor(matching([item.productId]).reduce((sum, i) => sum + lines[i]!.quantity, 0) / item.quantity)));
        // One line per item in these cases: the set takes `quantity` units of it.
        const indices = step.items.map((item) => matching([item.productId])[0]!);
        const values = step.items.map((item, k) => sets * item.quantity * lines[indices[k]!]!.unit);
        const saving = Math.max(0, values.reduce((a, b) => a + b, 0) - sets * step.price);
        result = { indices, shares: allocate(saving, indices.map((i, k) => ({ lineId: lines[i]!.lineId, weight: values[k]! }))) };
        break;
      }
    }
    result.indices.forEach((i, k) => {
      left[i]! -= result.shares[k]!;
      discounts[i]! += result.shares[k]!;
    });
    perStep.push(result.shares.reduce((a, b) => a + b, 0));
  }
  const discountTotal = discounts.reduce((a, b) => a + b, 0);
  return { subtotal, discountTotal, total: subtotal - discountTotal, lineDiscounts: discounts, perStep };
}

// --- Helpers --------------------------------------------------------------------------------

async function createPromotion(input: Record<string, unknown>): Promise<string> {
  const payload = expectData(await admin(CREATE, { input: { currencyCode: 'EUR', ...input } })).createPromotion;
  expect(payload.userErrors).toEqual([]);
  return payload.promotion.id as string;
}

async function addCodes(promotionId: string, codes: string[], extra: Record<string, unknown> = {}) {
  const payload = expectData(await admin(CODES, { input: { promotionId, codes, ...extra } })).createCouponCodes;
  expect(payload.userErrors).toEqual([]);
}

async function setStatus(promotionId: string, status: 'PAUSED' | 'ARCHIVED') {
  const payload = expectData(await admin(SET_STATUS, { input: { promotionId, status } })).setPromotionStatus;
  expect(payload.userErrors).toEqual([]);
}

async function readCart(client: Client, cartId: string): Promise<CartView> {
  return expectData(await client(CART, { id: cartId })).cart as CartView;
}

async function fillCart(client: Client, cartId: string, lines: { product: (typeof POOL)[number]; quantity: number }[]) {
  const added = expectData(await client(ADD, { input: { cartId, lines: lines.map((line) => ({ variantId: line.product.variants[0]!.id, quantity: line.quantity })) } })).addCartLines;
  expect(added.userErrors).toEqual([]);
}

function modelLinesOf(cart: CartView): ModelLine[] {
  return cart.lines.edges.map(({ node }) => ({ lineId: node.id, productId: node.variant.product.id, unit: minor(node.unitPrice), quantity: node.quantity }));
}

async function placeOrder(client: Client, cart: CartView, key: string, payment: Record<string, unknown>): Promise<OrderView> {
  const placed = expectData(
    await client(CHECKOUT, { input: { cartId: cart.id, idempotencyKey: key, expectedVersion: cart.version, fulfillment: { method: 'PICKUP', locationId: BERLIN }, payment } }),
  ).checkout;
  expect(placed.userErrors).toEqual([]);
  return placed.order as OrderView;
}

beforeAll(async () => {
  supergraph = await startTestSupergraph();
  admin = await supergraph.as('admin');
  // The seeded 10 % and in-store 5.00 would apply to every cart here: each case names its own promotions.
  for (const promotion of DEMO_PROMOTIONS) await setStatus(promotion.id, 'PAUSED');
});

afterAll(async () => {
  await supergraph?.close();
});

// --- a. The cart shown is the order charged --------------------------------------------------

interface PricingCase {
  name: string;
  /** Who builds and checks out the cart, and in which channel. */
  shopper: () => Promise<{ client: Client; cartId: string; payment: Record<string, unknown> }>;
  /** Creates the case's promotions (and codes); returns the cart lines, the codes to enter and the model steps in the order they apply. */
  setUp: () => Promise<{
    lines: { product: (typeof POOL)[number]; quantity: number }[];
    codes: string[];
    steps: (lines: ModelLine[]) => Step[];
    applied: string[];
    notApplied: string[];
  }>;
}

const guestIn = (channel: 'WEB' | 'MOBILE_APP' | 'SOCIAL' | 'MESSENGER', key: string) => async () => {
  const client = await supergraph.as('guest', key, channel);
  const cartId = expectData(await client(`mutation { createCart(input: {}) { cart { id channel } userErrors { code } } }`)).createCart.cart.id as string;
  return { client, cartId, payment: { provider: 'PAY_AT_PICKUP' } };
};

const CASES: PricingCase[] = [
  {
    name: 'web, customer: 10 % off the order after 25 % off one product, three lines',
    shopper: async () => {
      const client = await supergraph.as('customer', 'ben', 'WEB');
      const cartId = expectData(await client(`mutation { createCart(input: {}) { cart { id } userErrors { code } } }`)).createCart.cart.id as string;
      return { client, cartId, payment: { provider: 'PAY_AT_PICKUP' } };
    },
    setUp: async () => {
      const [a, b, c] = [takeProduct(), takeProduct(), takeProduct()];
      const order = await createPromotion({ name: 'Acceptance: 10 % off', kind: 'PERCENTAGE_OFF_ORDER', percentOff: 10 });
      const product = await createPromotion({ name: 'Acceptance: 25 % off one product', priority: 10, action: { type: 'LINES_PERCENT_OFF', percent: 25, target: { kind: 'PRODUCT', ids: [a!.id] } } });
      return {
        lines: [{ product: a!, quantity: 2 }, { product: b!, quantity: 1 }, { product: c!, quantity: 3 }],
        codes: [],
        steps: () => [{ type: 'LINES_PERCENT', productIds: [a!.id], percent: 25 }, { type: 'ORDER_PERCENT', percent: 10 }],
        applied: [product, order],
        notApplied: [],
      };
    },
  },
  {
    name: 'app, guest: 7.50 off orders over 20.00, then 5 % with a code',
    shopper: guestIn('MOBILE_APP', 'acceptance-app'),
    setUp: async () => {
      const [d, e] = [takeProduct(), takeProduct()];
      const fixed = await createPromotion({ name: 'Acceptance: 7.50 off', kind: 'FIXED_AMOUNT_OFF_ORDER', amountOff: '7.50', minimumSubtotal: '20.00', priority: 10 });
      const coded = await createPromotion({ name: 'Acceptance: 5 % with a code', requiresCoupon: true, action: { type: 'ORDER_PERCENT_OFF', percent: 5 } });
      await addCodes(coded, ['ACC-APP-5']);
      return {
        lines: [{ product: d!, quantity: 1 }, { product: e!, quantity: 2 }],
        codes: ['acc-app-5'],
        steps: () => [{ type: 'ORDER_AMOUNT', amount: 750 }, { type: 'ORDER_PERCENT', percent: 5 }],
        applied: [fixed, coded],
        notApplied: [],
      };
    },
  },
  {
    name: 'till, walk-in: buy 2 get 1 free on four units, then the spend tier the subtotal reaches (in-store only)',
    shopper: async () => {
      const client = await supergraph.as('staff', 'berlin-cashier', 'POS');
      const created = expectData(await client(`mutation { createCart(input: {}) { cart { id channel } userErrors { code } } }`)).createCart;
      expect(created.cart.channel).toBe('POS');
      return { client, cartId: created.cart.id as string, payment: { provider: 'CASH' } };
    },
    setUp: async () => {
      const [f, g] = [takeProduct(), takeProduct()];
      const multiBuy = await createPromotion({ name: 'Acceptance: 3 for 2', priority: 10, action: { type: 'BUY_X_GET_Y', target: { kind: 'PRODUCT', ids: [f!.id] }, buyQuantity: 2, getQuantity: 1, percent: 100 } });
      const tiers = [
        { threshold: 3000, amountOff: 300 },
        { threshold: 8000, amountOff: 900 },
        { threshold: 100_000, amountOff: 5000 },
      ];
      const tiered = await createPromotion({
        name: 'Acceptance: spend more, save more',
        channels: ['POS'],
        action: { type: 'TIERED_SPEND', tiers: tiers.map((tier) => ({ threshold: euros(tier.threshold), amountOff: euros(tier.amountOff) })) },
      });
      return {
        lines: [{ product: f!, quantity: 4 }, { product: g!, quantity: 1 }],
        codes: [],
        steps: () => [{ type: 'BUY_X_GET_Y', productIds: [f!.id], buy: 2, get: 1, percent: 100 }, { type: 'TIERED', tiers }],
        applied: [multiBuy, tiered],
        notApplied: [],
      };
    },
  },
  {
    name: 'social, guest: a two-item bundle at a fixed price, a spare unit and another line, and 3.00 off with a code',
    shopper: guestIn('SOCIAL', 'acceptance-social'),
    setUp: async () => {
      const [h, i, j] = [takeProduct(), takeProduct(), takeProduct()];
      const price = Math.floor((h!.variants[0]!.priceMinor + i!.variants[0]!.priceMinor) * 0.7);
      const bundle = await createPromotion({
        name: 'Acceptance: the pair for less',
        priority: 10,
        action: { type: 'BUNDLE_FIXED_PRICE', price: euros(price), items: [{ target: { kind: 'PRODUCT', ids: [h!.id] }, quantity: 1 }, { target: { kind: 'PRODUCT', ids: [i!.id] }, quantity: 1 }] },
      });
      const coded = await createPromotion({ name: 'Acceptance: 3.00 with a code', requiresCoupon: true, action: { type: 'ORDER_AMOUNT_OFF', amountOff: '3.00' } });
      await addCodes(coded, ['ACC-SOCIAL-3']);
      return {
        lines: [{ product: h!, quantity: 2 }, { product: i!, quantity: 1 }, { product: j!, quantity: 1 }],
        codes: ['ACC-SOCIAL-3'],
        steps: () => [{ type: 'BUNDLE', items: [{ productId: h!.id, quantity: 1 }, { productId: i!.id, quantity: 1 }], price }, { type: 'ORDER_AMOUNT', amount: 300 }],
        applied: [bundle, coded],
        notApplied: [],
      };
    },
  },
  {
    name: 'call center, agent for a customer: 2.00 off per unit, buy 1 get 1 half price over two products; an in-store 50 % and a 12 % above the subtotal do not apply',
    shopper: async () => {
      const client = await supergraph.as('staff', 'support-agent', 'CALL_CENTER');
      const created = expectData(await client(`mutation($input: CreateCartInput!) { createCart(input: $input) { cart { id channel } userErrors { code } } }`, { input: { customerId: demoCustomer('dmitry').id } })).createCart;
      expect(created.userErrors).toEqual([]);
      expect(created.cart.channel).toBe('CALL_CENTER');
      return { client, cartId: created.cart.id as string, payment: { provider: 'PAY_AT_PICKUP' } };
    },
    setUp: async () => {
      const k = takeProduct();
      // Two products at different prices, so "the cheapest unit" is one answer.
      let l = takeProduct();
      let m = takeProduct();
      while (m!.variants[0]!.priceMinor === l!.variants[0]!.priceMinor) m = takeProduct();
      if (l!.variants[0]!.priceMinor > m!.variants[0]!.priceMinor) [l, m] = [m, l];
      const perUnit = await createPromotion({ name: 'Acceptance: 2.00 off each', priority: 10, action: { type: 'LINES_AMOUNT_OFF', amountOffPerUnit: '2.00', target: { kind: 'PRODUCT', ids: [k!.id] } } });
      const halfPrice = await createPromotion({ name: 'Acceptance: second half price', priority: 10, action: { type: 'BUY_X_GET_Y', target: { kind: 'PRODUCT', ids: [l!.id, m!.id] }, buyQuantity: 1, getQuantity: 1, percent: 50 } });
      const inStore = await createPromotion({ name: 'Acceptance: half off in store', channels: ['POS'], kind: 'PERCENTAGE_OFF_ORDER', percentOff: 50 });
      const bigSpender = await createPromotion({ name: 'Acceptance: 12 % over 10000', kind: 'PERCENTAGE_OFF_ORDER', percentOff: 12, minimumSubtotal: '10000.00' });
      return {
        // The dearer product holds three units, the cheaper one: the two discounted units are that one and one of the three.
        lines: [{ product: k!, quantity: 3 }, { product: m!, quantity: 3 }, { product: l!, quantity: 1 }],
        codes: [],
        steps: () => [
          { type: 'LINES_AMOUNT', productIds: [k!.id], perUnit: 200 },
          { type: 'BUY_X_GET_Y', productIds: [l!.id, m!.id], buy: 1, get: 1, percent: 50 },
        ],
        applied: [perUnit, halfPrice],
        notApplied: [inStore, bigSpender],
      };
    },
  },
  {
    name: 'messenger, guest: 30 % off one product, 3 % with a code, and the better of a best-deal pair, over five lines',
    shopper: guestIn('MESSENGER', 'acceptance-messenger'),
    setUp: async () => {
      const [n, o, p, q, r] = [takeProduct(), takeProduct(), takeProduct(), takeProduct(), takeProduct()];
      const product = await createPromotion({ name: 'Acceptance: 30 % off one product', priority: 20, action: { type: 'LINES_PERCENT_OFF', percent: 30, target: { kind: 'PRODUCT', ids: [n!.id] } } });
      const coded = await createPromotion({ name: 'Acceptance: 3 % with a code', priority: 10, requiresCoupon: true, action: { type: 'ORDER_PERCENT_OFF', percent: 3 } });
      await addCodes(coded, ['ACC-MSG-3']);
      // Priced alone on this cart, 8 % is worth far more than 1.00: it is the group's pick.
      const better = await createPromotion({ name: 'Acceptance: 8 % (best deal)', action: { type: 'ORDER_PERCENT_OFF', percent: 8 }, stacking: { mode: 'BEST_DEAL', group: 'acceptance', combinesWithOrder: true, combinesWithProduct: true } });
      const worse = await createPromotion({ name: 'Acceptance: 1.00 (best deal)', action: { type: 'ORDER_AMOUNT_OFF', amountOff: '1.00' }, stacking: { mode: 'BEST_DEAL', group: 'acceptance', combinesWithOrder: true, combinesWithProduct: true } });
      return {
        lines: [{ product: n!, quantity: 2 }, { product: o!, quantity: 1 }, { product: p!, quantity: 3 }, { product: q!, quantity: 1 }, { product: r!, quantity: 2 }],
        codes: ['ACC-MSG-3'],
        steps: () => [{ type: 'LINES_PERCENT', productIds: [n!.id], percent: 30 }, { type: 'ORDER_PERCENT', percent: 3 }, { type: 'ORDER_PERCENT', percent: 8 }],
        applied: [product, coded, better],
        notApplied: [worse],
      };
    },
  },
];

describe('a. the cart shown just before checkout is the order charged, line by line', () => {
  it.each(CASES.map((pricingCase) => [pricingCase.name, pricingCase] as const))('%s', async (_, pricingCase) => {
    const { client, cartId, payment } = await pricingCase.shopper();
    const setUp = await pricingCase.setUp();
    try {
      await fillCart(client, cartId, setUp.lines);
      for (const code of setUp.codes) expect(expectData(await client(APPLY, { input: { cartId, code } })).applyCouponCode.userErrors).toEqual([]);

      const cart = await readCart(client, cartId);
      const lines = modelLinesOf(cart);
      const expected = priceWithModel(lines, setUp.steps(lines));
      // Every step of the model gives something, or the case would not test what it says.
      expect(expected.perStep.every((amount) => amount > 0)).toBe(true);

      expect(minor(cart.subtotal)).toBe(expected.subtotal);
      expect(minor(cart.discountTotal)).toBe(expected.discountTotal);
      expect(minor(cart.total)).toBe(expected.total);
      expect(cart.lineDiscounts.map((line) => [line.lineId, minor(line.amount), minor(line.total)])).toEqual(
        lines.map((line, i) => [line.lineId, expected.lineDiscounts[i]!, line.unit * line.quantity - expected.lineDiscounts[i]!]),
      );
      const status = new Map(cart.promotionExplanations.map((explanation) => [explanation.promotion.id, explanation.status]));
      for (const id of setUp.applied) expect(status.get(id)).toBe('APPLIED');
      for (const id of setUp.notApplied) expect(status.get(id)).toBe('NOT_APPLIED');
      const appliedAmounts = setUp.applied.map((id) => minor(cart.promotionExplanations.find((explanation) => explanation.promotion.id === id)!.amount!));
      expect(appliedAmounts).toEqual(expected.perStep);
      expect(cart.unmatchedCouponCodes).toEqual([]);

      const order = await placeOrder(client, cart, `acceptance-${cartId}`, payment);
      expect(order.subtotal).toEqual(cart.subtotal);
      expect(order.discountTotal).toEqual(cart.discountTotal);
      expect(minor(order.shippingTotal)).toBe(0);
      expect(order.total).toEqual(cart.total);
      const shownByVariant = new Map(cart.lines.edges.map(({ node }) => [node.variant.id, cart.lineDiscounts.find((line) => line.lineId === node.id)!]));
      expect(order.lines).toHaveLength(lines.length);
      for (const line of order.lines) {
        const shown = shownByVariant.get(line.variant.id)!;
        expect(line.discount).toEqual(shown.amount);
        expect(minor(line.paid)).toBe(minor(line.unitPrice) * line.quantity - minor(shown.amount));
      }
    } finally {
      for (const id of [...setUp.applied, ...setUp.notApplied]) await setStatus(id, 'ARCHIVED');
    }
  });
});

// --- b. J4: a 2 for 1 returned unit by unit -----------------------------------------------------

describe('b. J4: a "2 for 1" returned one unit at a time refunds what was paid, not the list price', () => {
  it('refunds half of the line paid for the first unit, the rest for the second: the whole payment and no more', async () => {
    const product = takeProduct();
    const variant = product.variants[0]!;
    const twoForOne = await createPromotion({ name: 'Acceptance: 2 for 1', action: { type: 'BUY_X_GET_Y', target: { kind: 'VARIANT', ids: [variant.id] }, buyQuantity: 1, getQuantity: 1, percent: 100 } });
    try {
      const till = await supergraph.as('staff', 'berlin-cashier', 'POS');
      const cartId = expectData(await till(`mutation { createCart(input: {}) { cart { id } userErrors { code } } }`)).createCart.cart.id as string;
      await fillCart(till, cartId, [{ product, quantity: 2 }]);
      const cart = await readCart(till, cartId);
      // Two units at the list price, one of them free: the shopper pays for one.
      const list = variant.priceMinor;
      expect([minor(cart.subtotal), minor(cart.discountTotal), minor(cart.total)]).toEqual([2 * list, list, list]);

      const order = await placeOrder(till, cart, 'acceptance-j4', { provider: 'CASH' });
      expect(order.payment).toMatchObject({ status: 'CAPTURED', captured: { amount: euros(list) } });
      const [line] = order.lines;
      expect(line).toMatchObject({ quantity: 2, discount: { amount: euros(list) }, paid: { amount: euros(list) } });
      for (const step of ['markOrderReadyForPickup', 'markOrderPickedUp']) {
        const moved = expectData(await till(`mutation($orderId: ID!) { ${step}(input: { orderId: $orderId }) { userErrors { code message } } }`, { orderId: order.id }));
        expect(moved[step].userErrors).toEqual([]);
      }

      const RETURN = `mutation($input: ReturnOrderLinesInput!) { returnOrderLines(input: $input) { orderReturn { refund { amount } } order { ${ORDER_FIELDS} } userErrors { code message } } }`;
      const giveBack = async (key: string) => {
        const payload = expectData(await till(RETURN, { input: { orderId: order.id, idempotencyKey: key, reason: 'changed mind', lines: [{ orderLineId: line!.id, quantity: 1 }] } })).returnOrderLines;
        expect(payload.userErrors).toEqual([]);
        return { refund: minor(payload.orderReturn.refund), order: payload.order as OrderView };
      };
      const first = await giveBack('j4-first');
      // Half of what was paid for the line (the paid amount shared by its two units), never the list price of a unit.
      expect(first.refund).toBe(Math.floor(list / 2));
      expect(first.refund).toBeLessThan(list);
      expect(first.order.payment.status).toBe('PARTIALLY_REFUNDED');
      expect(first.order.lines[0]).toMatchObject({ returnedQuantity: 1, refunded: { amount: euros(first.refund) } });

      const second = await giveBack('j4-second');
      expect(second.refund).toBe(list - Math.floor(list / 2));
      expect(first.refund + second.refund).toBe(list);
      expect(second.order.lines[0]).toMatchObject({ returnedQuantity: 2, refunded: { amount: euros(list) } });
      expect(second.order.payment).toMatchObject({ status: 'REFUNDED', captured: { amount: euros(list) }, refunded: { amount: euros(list) } });

      // Nothing is left to return: a third unit is refused and refunds nothing.
      const third = expectData(await till(RETURN, { input: { orderId: order.id, idempotencyKey: 'j4-third', lines: [{ orderLineId: line!.id, quantity: 1 }] } })).returnOrderLines;
      expect(third.orderReturn).toBeNull();
      expect(third.userErrors).toHaveLength(1);
      const after = expectData(await till(`query($id: ID!) { order(id: $id) { payment { refunded { amount } } lines { returnedQuantity refunded { amount } } } }`, { id: order.id })).order;
      expect(after).toEqual({ payment: { refunded: { amount: euros(list) } }, lines: [{ returnedQuantity: 2, refunded: { amount: euros(list) } }] });
    } finally {
      await setStatus(twoForOne, 'ARCHIVED');
    }
  });
});

// --- c. Codes that cannot apply are refused; codes that unlock nothing change no price; definitions refused --

describe('c. codes that cannot apply are refused, codes that unlock nothing change no price; invalid promotions are refused whole', () => {
  it('refuses unknown, expired, not-yet-started, other-channel and used-up codes at entry; a code that expires on the cart is explained and not charged', async () => {
    const product = takeProduct();
    const coded = await createPromotion({ name: 'Acceptance: 4.00 with a code', requiresCoupon: true, action: { type: 'ORDER_AMOUNT_OFF', amountOff: '4.00' } });
    await addCodes(coded, ['ACC-EXPIRED'], { expiresAt: new Date(Date.now() - 60_000).toISOString() });
    await addCodes(coded, ['ACC-ONCE'], { usageLimitPerCode: 1 });
    const inStore = await createPromotion({ name: 'Acceptance: 6.00 in store with a code', channels: ['POS'], requiresCoupon: true, action: { type: 'ORDER_AMOUNT_OFF', amountOff: '6.00' } });
    await addCodes(inStore, ['ACC-TILL-ONLY']);
    const later = await createPromotion({ name: 'Acceptance: 2.00 from tomorrow', requiresCoupon: true, startsAt: new Date(Date.now() + 86_400_000).toISOString(), action: { type: 'ORDER_AMOUNT_OFF', amountOff: '2.00' } });
    await addCodes(later, ['ACC-TOMORROW']);
    try {
      // The single-use code is spent by a first shopper, with its discount.
      const first = await supergraph.as('guest', 'acceptance-code-first', 'WEB');
      const firstCart = expectData(await first(`mutation { createCart(input: {}) { cart { id } } }`)).createCart.cart.id as string;
      await fillCart(first, firstCart, [{ product, quantity: 1 }]);
      expect(expectData(await first(APPLY, { input: { cartId: firstCart, code: 'ACC-ONCE' } })).applyCouponCode.userErrors).toEqual([]);
      const firstShown = await readCart(first, firstCart);
      expect(minor(firstShown.discountTotal)).toBe(400);
      const firstOrder = await placeOrder(first, firstShown, 'acceptance-once', { provider: 'PAY_AT_PICKUP' });
      expect(minor(firstOrder.discountTotal)).toBe(400);

      const shopper = await supergraph.as('guest', 'acceptance-codes', 'WEB');
      const cartId = expectData(await shopper(`mutation { createCart(input: {}) { cart { id } } }`)).createCart.cart.id as string;
      await fillCart(shopper, cartId, [{ product, quantity: 2 }]);
      const before = await readCart(shopper, cartId);
      const list = 2 * product.variants[0]!.priceMinor;
      expect([minor(before.subtotal), minor(before.discountTotal), minor(before.total)]).toEqual([list, 0, list]);

      const refusals = [
        { code: 'acc-expired', reason: 'COUPON_EXPIRED' },
        { code: 'ACC-NO-SUCH-CODE', reason: 'COUPON_UNKNOWN' },
        { code: 'acc-till-only', reason: 'COUPON_NOT_IN_CHANNEL' },
        { code: 'ACC-ONCE', reason: 'COUPON_USED_UP' },
        { code: 'acc-tomorrow', reason: 'COUPON_NOT_ACTIVE' },
      ];
      for (const { code, reason } of refusals) {
        const refused = expectData(await shopper(APPLY, { input: { cartId, code, expectedVersion: before.version } })).applyCouponCode;
        expect(refused).toEqual({ cart: null, userErrors: [{ code: reason, field: ['input', 'code'] }] });
      }
      // Nothing changed: same version, no codes, same prices.
      expect(await readCart(shopper, cartId)).toEqual(before);

      // Valid when entered, expired a few seconds later while it sits on the cart. Made only now, so
      // the time the steps above take on a busy machine does not eat its life.
      const shortLived = new Date(Date.now() + 5_000);
      await addCodes(coded, ['ACC-SHORT-LIVED'], { expiresAt: shortLived.toISOString() });
      const applied = expectData(await shopper(APPLY, { input: { cartId, code: 'acc-short-lived', expectedVersion: before.version } })).applyCouponCode;
      expect(applied).toEqual({ cart: { version: before.version + 1, couponCodes: ['ACC-SHORT-LIVED'] }, userErrors: [] });
      expect(minor((await readCart(shopper, cartId)).discountTotal)).toBe(400);
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, shortLived.getTime() - Date.now()) + 250));

      const shown = await readCart(shopper, cartId);
      expect(shown.unmatchedCouponCodes).toEqual([{ code: 'ACC-SHORT-LIVED', reason: 'COUPON_EXPIRED' }]);
      expect(shown.promotionExplanations.find((explanation) => explanation.promotion.id === coded)).toMatchObject({ status: 'NOT_APPLIED', reasons: [{ code: 'COUPON_EXPIRED' }] });
      expect([shown.subtotal, shown.discountTotal, shown.total, shown.lineDiscounts]).toEqual([before.subtotal, before.discountTotal, before.total, before.lineDiscounts]);

      // Checkout charges the list price and holds no use of the expired code.
      const order = await placeOrder(shopper, shown, 'acceptance-codes', { provider: 'PAY_AT_PICKUP' });
      expect([minor(order.subtotal), minor(order.discountTotal), minor(order.total)]).toEqual([list, 0, list]);
      const used = expectData(await admin(`query($id: ID!) { promotion(id: $id) { timesUsed budgetUsed { amount } } }`, { id: coded })).promotion;
      expect(used).toEqual({ timesUsed: 1, budgetUsed: { amount: '4.00' } });
    } finally {
      await setStatus(coded, 'ARCHIVED');
      await setStatus(inStore, 'ARCHIVED');
      await setStatus(later, 'ARCHIVED');
    }
  });

  it('refuses invalid definitions with INVALID user errors at their fields and creates nothing', async () => {
    const countPromotions = async () => expectData(await admin(`{ promotions(first: 100) { edges { node { id } } } }`)).promotions.edges.length as number;
    const before = await countPromotions();
    const [x, y] = [takeProduct(), takeProduct()];
    const refusals: [string, Record<string, unknown>, string[][]][] = [
      ['percent over 100 (kind)', { kind: 'PERCENTAGE_OFF_ORDER', percentOff: 101 }, [['input', 'percentOff']]],
      ['percent over 100 (action)', { action: { type: 'LINES_PERCENT_OFF', percent: 150, target: { kind: 'PRODUCT', ids: [x!.id] } } }, [['input', 'action', 'percent']]],
      ['gift of an unknown variant', { action: { type: 'GIFT', variantId: demoId('var', 'acceptance-no-such-gift', 1), quantity: 1 } }, [['input', 'action', 'variantId']]],
      ['best deal without its group', { action: { type: 'ORDER_PERCENT_OFF', percent: 5 }, stacking: { mode: 'BEST_DEAL', combinesWithOrder: true } }, [['input', 'stacking', 'group']]],
      ['exclusive naming a group', { action: { type: 'ORDER_PERCENT_OFF', percent: 5 }, stacking: { mode: 'EXCLUSIVE', group: 'acceptance' } }, [['input', 'stacking', 'group']]],
      ['an amount finer than the currency (EUR, three decimals)', { action: { type: 'ORDER_AMOUNT_OFF', amountOff: '5.001' } }, [['input', 'action', 'amountOff']]],
      ['an amount with cents in a currency without them (JPY)', { currencyCode: 'JPY', kind: 'FIXED_AMOUNT_OFF_ORDER', amountOff: '500.50' }, [['input', 'amountOff']]],
      ['tiers that do not rise', { action: { type: 'TIERED_SPEND', tiers: [{ threshold: '50.00', amountOff: '5.00' }, { threshold: '40.00', amountOff: '4.00' }] } }, [['input', 'action', 'tiers', '1', 'threshold'], ['input', 'action', 'tiers', '1', 'amountOff']]],
      ['a buy X get Y without a target, and one field too many', { action: { type: 'BUY_X_GET_Y', buyQuantity: 1, getQuantity: 1, percent: 100, amountOff: '1.00', target: null } }, [['input', 'action', 'amountOff'], ['input', 'action', 'target']]],
      ['a bundle over an id that is not a product', { action: { type: 'BUNDLE_FIXED_PRICE', price: '10.00', items: [{ target: { kind: 'PRODUCT', ids: [y!.variants[0]!.id] }, quantity: 1 }] } }, [['input', 'action', 'items', '0', 'target', 'ids', '0']]],
      [
        'a bundle priced at what its items cost in the catalog',
        { action: { type: 'BUNDLE_FIXED_PRICE', price: euros(2 * x!.variants[0]!.priceMinor + y!.variants[0]!.priceMinor), items: [{ target: { kind: 'VARIANT', ids: [x!.variants[0]!.id] }, quantity: 2 }, { target: { kind: 'VARIANT', ids: [y!.variants[0]!.id] }, quantity: 1 }] } },
        [['input', 'action', 'price']],
      ],
    ];
    for (const [what, input, fields] of refusals) {
      const payload = expectData(await admin(CREATE, { input: { name: `Acceptance: ${what}`, currencyCode: 'EUR', ...input } })).createPromotion;
      expect(payload.promotion, what).toBeNull();
      expect(payload.userErrors.map((error: { code: string }) => error.code), what).toEqual(fields.map(() => 'INVALID'));
      expect(payload.userErrors.map((error: { field: string[] }) => error.field).sort(), what).toEqual([...fields].sort());
    }
    expect(await countPromotions()).toBe(before);
  });
});

// --- d. Gifts --------------------------------------------------------------------------------------

describe('d. a gift is offered on the cart before it is added, and priced free once added', () => {
  it('lists the gift with the units to add, then takes its price off when the shopper adds it', async () => {
    const GIFTS = `query($id: ID!) { cart(id: $id) { version discountTotal { amount } gifts { promotion { id } variant { id sku } quantity quantityInCart quantityToAdd } } }`;
    const [bought, given] = [takeProduct(), takeProduct()];
    const giftVariant = given.variants[0]!;
    const gift = await createPromotion({ name: 'Acceptance: a free gift with every cart', action: { type: 'GIFT', variantId: giftVariant.id, quantity: 1 } });
    try {
      const shopper = await supergraph.as('guest', 'acceptance-gift', 'MOBILE_APP');
      const cartId = expectData(await shopper(`mutation { createCart(input: {}) { cart { id } } }`)).createCart.cart.id as string;
      await fillCart(shopper, cartId, [{ product: bought, quantity: 1 }]);
      const offered = expectData(await shopper(GIFTS, { id: cartId })).cart;
      expect(offered.discountTotal.amount).toBe('0.00');
      // The variant is a reference the catalog resolves, so every channel can show and add it.
      expect(offered.gifts).toEqual([{ promotion: { id: gift }, variant: { id: giftVariant.id, sku: giftVariant.sku }, quantity: 1, quantityInCart: 0, quantityToAdd: 1 }]);

      await fillCart(shopper, cartId, [{ product: given, quantity: 1 }]);
      const added = expectData(await shopper(GIFTS, { id: cartId })).cart;
      expect(added.gifts).toEqual([{ promotion: { id: gift }, variant: { id: giftVariant.id, sku: giftVariant.sku }, quantity: 1, quantityInCart: 1, quantityToAdd: 0 }]);
      expect(minor(added.discountTotal)).toBe(giftVariant.priceMinor);
    } finally {
      await setStatus(gift, 'ARCHIVED');
    }
  });
});
