import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { toMoney } from '@omni/graphql';
import { listPricing, type PricingPort, type PricingRequest } from '../src/services/pricing';
import { PromotionUsageUnavailableError, type PromotionUsagePort, type PromotionUsageRequest, type PromotionUseRefusalReason } from '../src/services/promotion-usage';
import { BERLIN, CHECKOUT, checkoutAs, customerWithCart, freshVariant, rowsOf, setStock, startCheckoutHarness, stockAt, type CheckoutHarness } from './checkout-helpers';

/** A coupon worth 1.00 off the first line: the cart is discounted only when it carries `SAVE1`. */
const COUPON = 'SAVE1';
const PROMOTION_ID = 'promo_save1';
const pricingRequests: PricingRequest[] = [];
/** Runs once while the next quote is made: checkout reads the catalog's facts at the same time. */
let whilePricing: (() => Promise<void>) | null = null;
const couponPricing: PricingPort = async (request) => {
  pricingRequests.push(request);
  const during = whilePricing;
  whilePricing = null;
  await during?.();
  const list = await listPricing(request);
  if (!request.couponCodes.includes(COUPON)) return list;
  const [first, ...rest] = list.lines;
  return {
    ...list,
    lines: [{ ...first!, discountMinor: 100 }, ...rest],
    discounts: [{ promotionId: PROMOTION_ID, couponCode: COUPON, amountMinor: 100 }],
    discountMinor: 100,
    totalMinor: list.totalMinor - 100,
  };
};

/** Stands in for the promotions subgraph's usage holds: the same key answers the same hold. */
const usage = {
  holds: [] as PromotionUsageRequest[],
  byKey: new Map<string, string>(),
  confirmed: [] as [string, string][],
  released: [] as string[],
  refuse: null as PromotionUseRefusalReason | null,
  unreachable: false,
  /** What the next confirmation does: count the hold, refuse it (false), or fail to answer. */
  confirmAnswer: 'count' as 'count' | 'refuse' | 'fail',
  /** Runs once while the next hold is made: after checkout planned, while it reserves. */
  whileHolding: null as (() => Promise<void>) | null,
};
const usagePort: PromotionUsagePort = {
  async hold(request) {
    usage.holds.push(request);
    const during = usage.whileHolding;
    usage.whileHolding = null;
    await during?.();
    if (usage.unreachable) throw new PromotionUsageUnavailableError('connect ECONNREFUSED');
    if (usage.refuse) return { holdId: null, refused: request.uses.map((use) => ({ promotionId: use.promotionId, couponCode: use.couponCode, reason: usage.refuse! })) };
    const holdId = usage.byKey.get(request.holdKey) ?? `hold_${usage.byKey.size + 1}`;
    usage.byKey.set(request.holdKey, holdId);
    return { holdId, refused: [] };
  },
  async confirm(holdId, orderId) {
    const answer = usage.confirmAnswer;
    usage.confirmAnswer = 'count';
    if (answer === 'fail') throw new Error('promotions unreachable');
    usage.confirmed.push([holdId, orderId]);
    return answer === 'count';
  },
  async release(holdId) {
    usage.released.push(holdId);
    return true;
  },
};

let h: CheckoutHarness;

beforeAll(async () => {
  h = await startCheckoutHarness({ pricing: couponPricing, promotionUsage: usagePort });
});

afterAll(async () => {
  await h?.stop();
});

beforeEach(() => {
  pricingRequests.length = 0;
  usage.holds.length = 0;
  usage.confirmed.length = 0;
  usage.released.length = 0;
  usage.refuse = null;
  usage.unreachable = false;
  usage.confirmAnswer = 'count';
  usage.whileHolding = null;
  whilePricing = null;
});

const APPLY = `mutation($input: ApplyCouponCodeInput!) { applyCouponCode(input: $input) { cart { version } userErrors { code } } }`;
const READ = `query($id: ID!) { cart(id: $id) { status version } }`;

/** A customer's cart of 2 units of a fresh variant stocked in Berlin, carrying the coupon. */
async function discountedCart(code: string | null = COUPON) {
  const variant = freshVariant();
  await setStock(h, variant.id, BERLIN.id, 5);
  const cart = await customerWithCart(h, variant.id, 2);
  let version = cart.version;
  if (code) {
    const applied = (await cart.client(APPLY, { input: { cartId: cart.cartId, code } })).data!.applyCouponCode;
    expect(applied.userErrors).toEqual([]);
    version = applied.cart.version;
  }
  return { ...cart, variant, version };
}

const pickup = (cartId: string, idempotencyKey: string, payment: Record<string, unknown> = { provider: 'PAY_AT_PICKUP' }) => ({
  cartId,
  idempotencyKey,
  fulfillment: { method: 'PICKUP', locationId: BERLIN.id },
  payment,
});

async function orderHold(orderId: string) {
  const [row] = rowsOf<{ promotion_hold_id: string | null; promotion_hold_state: string | null }>(
    await h.cartDatabase.db.execute(sql`select promotion_hold_id, promotion_hold_state from cart.orders where id = ${orderId}`),
  );
  return row;
}

describe('checkout: hold promotion usage', () => {
  it('prices with the cart’s codes, holds the applied promotion once, confirms it with the order; a replay holds nothing again', async () => {
    const { cartId, client, customerId, variant } = await discountedCart();
    const placed = await checkoutAs(client, pickup(cartId, 'usage-ok'));
    expect(placed.userErrors).toEqual([]);
    const order = placed.order!;
    expect(order.total).toEqual(toMoney(variant.priceMinor * 2 - 100, 'EUR'));
    expect(pricingRequests.at(-1)?.couponCodes).toEqual([COUPON]);

    expect(usage.holds).toEqual([{ holdKey: `${cartId}:usage-ok`, customerId, uses: [{ promotionId: PROMOTION_ID, couponCode: COUPON, discountMinor: 100 }] }]);
    const holdId = usage.byKey.get(`${cartId}:usage-ok`)!;
    expect(usage.confirmed).toEqual([[holdId, order.id]]);
    expect(usage.released).toEqual([]);
    expect(await orderHold(order.id)).toEqual({ promotion_hold_id: holdId, promotion_hold_state: 'CONFIRMED' });

    const replayed = await checkoutAs(client, pickup(cartId, 'usage-ok'));
    expect(replayed.order?.id).toBe(order.id);
    expect(usage.holds).toHaveLength(1);
    expect(usage.confirmed).toHaveLength(1);
  });

  it('refuses a checkout whose promotion is used up: PROMOTION_UNAVAILABLE naming it, nothing reserved or charged, the cart unchanged', async () => {
    const { cartId, client, variant, version } = await discountedCart();
    usage.refuse = 'COUPON_USED_UP';
    const refused = await checkoutAs(client, pickup(cartId, 'usage-refused', { provider: 'TEST_CARD', cardToken: 'tok_visa' }));
    expect(refused.order).toBeNull();
    expect(refused.userErrors).toEqual([{ code: 'PROMOTION_UNAVAILABLE', field: ['input', 'cartId'], message: expect.stringContaining(PROMOTION_ID) }]);
    expect(refused.userErrors[0]!.message).toContain('COUPON_USED_UP');
    expect(refused.userErrors[0]!.message).toContain(COUPON);
    expect(await stockAt(h, variant.id, BERLIN.id)).toEqual({ onHand: 5, reserved: 0 });
    expect((await client(READ, { id: cartId })).data!.cart).toEqual({ status: 'ACTIVE', version });
    expect(usage.released).toEqual([]);
    expect(usage.confirmed).toEqual([]);
  });

  it('releases the hold when the card is declined after it, with the reservation; nothing is confirmed', async () => {
    const { cartId, client, variant } = await discountedCart();
    const declined = await checkoutAs(client, pickup(cartId, 'usage-declined', { provider: 'TEST_CARD', cardToken: 'tok_declined' }));
    expect(declined.userErrors.map((error) => error.code)).toEqual(['INVALID']);
    const holdId = usage.byKey.get(`${cartId}:usage-declined`)!;
    expect(usage.holds).toHaveLength(1);
    expect(usage.released).toEqual([holdId]);
    expect(usage.confirmed).toEqual([]);
    expect(await stockAt(h, variant.id, BERLIN.id)).toEqual({ onHand: 5, reserved: 0 });
  });

  it('releases the hold when stock cannot be reserved beside it', async () => {
    const { cartId, client, variant } = await discountedCart();
    // The store sells its units after this checkout planned with the stock it read, before its
    // reservation lands (hold and reservation start together).
    let short: Awaited<ReturnType<typeof checkoutAs>>;
    if (h.testDb.client.kind === 'postgres') {
      // The sale takes the row lock while checkout is priced and commits once the hold is asked
      // for: the reservation waits for the sale's lock, or comes after it.
      let sold!: () => void;
      const saleCommits = new Promise<void>((resolve) => (sold = resolve));
      let saleLocked!: () => void;
      const saleHoldsLock = new Promise<void>((resolve) => (saleLocked = resolve));
      const sale = h.catalogDatabase.db.transaction(async (tx) => {
        await tx.execute(sql`update catalog.inventory_levels set on_hand = 1 where variant_id = ${variant.id} and location_id = ${BERLIN.id}`);
        saleLocked();
        await saleCommits;
      });
      whilePricing = () => saleHoldsLock;
      usage.whileHolding = async () => sold();
      short = await checkoutAs(client, pickup(cartId, 'usage-short'));
      await sale;
    } else {
      // PGlite has one connection, which a transaction held open would take from checkout; it runs
      // statements in the order they are sent, and the sale, sent as the hold is asked for, is sent
      // before the reservation, which first crosses HTTP to the catalog.
      usage.whileHolding = () => setStock(h, variant.id, BERLIN.id, 1);
      short = await checkoutAs(client, pickup(cartId, 'usage-short'));
    }
    expect(short.userErrors.map((error) => error.code)).toEqual(['OUT_OF_STOCK']);
    const holdId = usage.byKey.get(`${cartId}:usage-short`)!;
    expect(usage.holds).toHaveLength(1);
    expect(usage.released).toEqual([holdId]);
    expect(usage.confirmed).toEqual([]);
  });

  it('asks nothing when no promotion applies, and answers PRICING_UNAVAILABLE when usage cannot be held', async () => {
    const plain = await discountedCart(null);
    const placed = await checkoutAs(plain.client, pickup(plain.cartId, 'usage-none'));
    expect(placed.userErrors).toEqual([]);
    expect(usage.holds).toEqual([]);
    expect(await orderHold(placed.order!.id)).toEqual({ promotion_hold_id: null, promotion_hold_state: null });

    const { cartId, client, variant, version } = await discountedCart();
    usage.unreachable = true;
    const unavailable = await checkoutAs(client, pickup(cartId, 'usage-down'));
    expect(unavailable.userErrors.map((error) => error.code)).toEqual(['PRICING_UNAVAILABLE']);
    expect(await stockAt(h, variant.id, BERLIN.id)).toEqual({ onHand: 5, reserved: 0 });
    expect((await client(READ, { id: cartId })).data!.cart).toEqual({ status: 'ACTIVE', version });
  });

  it('finishes confirming on a replay when settlement could not reach promotions, and records a hold promotions no longer counts', async () => {
    const { cartId, client } = await discountedCart();
    usage.confirmAnswer = 'fail';
    const interrupted = await client(CHECKOUT, { input: pickup(cartId, 'usage-settle') });
    expect(interrupted.errors?.length).toBeGreaterThan(0);
    const [written] = rowsOf<{ id: string }>(await h.cartDatabase.db.execute(sql`select id from cart.orders where cart_id = ${cartId}`));
    expect(await orderHold(written!.id)).toMatchObject({ promotion_hold_state: 'HELD' });

    const replayed = await checkoutAs(client, pickup(cartId, 'usage-settle'));
    expect(replayed.order?.id).toBe(written!.id);
    expect(usage.holds).toHaveLength(1);
    expect(usage.confirmed).toEqual([[usage.byKey.get(`${cartId}:usage-settle`)!, written!.id]]);
    expect(await orderHold(written!.id)).toMatchObject({ promotion_hold_state: 'CONFIRMED' });

    const late = await discountedCart();
    usage.confirmAnswer = 'refuse';
    const placed = await checkoutAs(late.client, pickup(late.cartId, 'usage-late'));
    // The sale stands: the order is placed and its hold recorded as not counted.
    expect(placed.userErrors).toEqual([]);
    expect(await orderHold(placed.order!.id)).toMatchObject({ promotion_hold_state: 'LAPSED' });
  });
});
