import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '@omni/graphql';
import { callers, createTestDatabase, expectData, signedSubgraphClient, TEST_SIGNING_SECRET, type TestDatabase } from '@omni/testing';
import type { CatalogPort } from '../src/clients/catalog-client';
import { openPromotionsDatabase, type PromotionsDatabase } from '../src/db/database';
import { promotionUses, usageHolds } from '../src/db/schema';
import { createPromotionsSubgraph } from '../src/server';

/**
 * Promotions with the engine's whole model through the admin API (conditions, actions, stacking,
 * priority, coupon requirement), stored and priced at once; coupon codes and what the cart learns
 * of each entered code.
 */
let testDb: TestDatabase;
let database: PromotionsDatabase;
let server: RunningServer;
/** Ids in the shape of real ones: targets refuse anything else. */
const id = (prefix: string, tail: string) => `${prefix}_${tail.padStart(26, '0')}`;
const [PROD_SOCK, PROD_HAT, PROD_OTHER, PROD_GIFT] = [id('prod', 'sock'), id('prod', 'hat'), id('prod', 'other'), id('prod', 'gift')];
const [VAR_SOCK_S, VAR_SOCK_M, VAR_HAT, VAR_GIFT] = [id('var', 'socks'), id('var', 'sockm'), id('var', 'hat'), id('var', 'gift')];
const [CAT_WEAR, CAT_HOME] = [id('cat', 'wear'), id('cat', 'home')];
const PRODUCTS: Record<string, string> = { [VAR_SOCK_S]: PROD_SOCK, [VAR_SOCK_M]: PROD_SOCK, [VAR_HAT]: PROD_HAT, [VAR_GIFT]: PROD_GIFT };
/** Catalog prices in EUR minor units; no variant has a price in another currency. */
const EUR_PRICES: Record<string, number> = { [VAR_SOCK_S]: 1000, [VAR_HAT]: 2500 };
const catalog: CatalogPort = {
  async variantFacts(ids) {
    return new Map(ids.filter((id) => PRODUCTS[id]).map((id) => [id, { variantId: id, productId: PRODUCTS[id]!, categoryIds: [CAT_WEAR] }]));
  },
  async unitPrices(ids, currencyCode) {
    return new Map(currencyCode === 'EUR' ? ids.filter((id) => EUR_PRICES[id] !== undefined).map((id) => [id, EUR_PRICES[id]!]) : []);
  },
};

beforeAll(async () => {
  testDb = await createTestDatabase();
  database = await openPromotionsDatabase(testDb.client);
  server = await createPromotionsSubgraph({ database, signingSecret: TEST_SIGNING_SECRET, catalog }).listen(0);
});

afterAll(async () => {
  await server?.stop();
  await testDb?.drop();
});

const admin = () => signedSubgraphClient(server.url, TEST_SIGNING_SECRET, callers.admin());
const anonymous = () => signedSubgraphClient(server.url, TEST_SIGNING_SECRET, callers.anonymous());

const PROMOTION_FIELDS = `id kind priority requiresCoupon locationIds
  conditions { type minimumSubtotal { amount } target { kind ids } minQuantity segments }
  action { type percent amountOff { amount } target { kind ids } buyQuantity getQuantity maxGroups tiers { threshold { amount } amountOff { amount } } variantId quantity }
  stacking { mode group combinesWithOrder combinesWithProduct combinesWithShipping }`;
const CREATE = `mutation($input: CreatePromotionInput!) { createPromotion(input: $input) { promotion { ${PROMOTION_FIELDS} } userErrors { code field message } } }`;
const UPDATE = `mutation($input: UpdatePromotionInput!) { updatePromotion(input: $input) { promotion { ${PROMOTION_FIELDS} } userErrors { code field message } } }`;
const CODES = `mutation($input: CreateCouponCodesInput!) { createCouponCodes(input: $input) { couponCodes { code usageLimit promotion { id } } userErrors { code field message } } }`;
const PRICED = `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Cart {
  discountTotal { amount } total { amount }
  lineDiscounts { lineId amount { amount } }
  promotionExplanations { promotion { id } status couponCode reasons { code couponCode missingProducts { targetKind ids quantityMissing } } }
  unmatchedCouponCodes { code reason }
} } }`;

function cart(channel: string, lines: { id: string; variant: string; quantity: number; price: string }[], couponCodes: string[] = []) {
  const subtotal = lines.reduce((sum, line) => sum + line.quantity * Math.round(Number(line.price) * 100), 0);
  return {
    __typename: 'Cart',
    id: `cart_${channel}`,
    channel,
    subtotal: { amount: (subtotal / 100).toFixed(2), currencyCode: 'EUR' },
    couponCodes,
    customer: null,
    lines: { totalCount: lines.length, edges: lines.map((line) => ({ node: { id: line.id, quantity: line.quantity, unitPrice: { amount: line.price, currencyCode: 'EUR' }, variant: { id: line.variant } } })) },
  };
}
const price = async (rep: ReturnType<typeof cart>) => expectData(await anonymous()(PRICED, { reps: [rep] }))._entities[0];

const twoForOne = {
  name: 'Socks 2 for 1',
  currencyCode: 'EUR',
  action: { type: 'BUY_X_GET_Y', target: { kind: 'PRODUCT', ids: [PROD_SOCK] }, buyQuantity: 1, getQuantity: 1, percent: 100 },
  stacking: { mode: 'COMBINABLE', combinesWithOrder: true },
};

describe('promotion rules through the admin API', () => {
  let twoForOneId: string;

  it('creates a 2 for 1 on a product that prices carts at once, the cheaper unit free, in every channel', async () => {
    const created = expectData(await admin()(CREATE, { input: twoForOne })).createPromotion;
    expect(created.userErrors).toEqual([]);
    twoForOneId = created.promotion.id;
    expect(created.promotion).toMatchObject({
      kind: 'BUY_X_GET_Y',
      priority: 0,
      requiresCoupon: false,
      conditions: [],
      action: { type: 'BUY_X_GET_Y', target: { kind: 'PRODUCT', ids: [PROD_SOCK] }, buyQuantity: 1, getQuantity: 1, percent: 100, maxGroups: null },
      stacking: { mode: 'COMBINABLE', group: null, combinesWithOrder: true, combinesWithProduct: false, combinesWithShipping: false },
    });
    const lines = [
      { id: 'line_1', variant: VAR_SOCK_S, quantity: 1, price: '8.00' },
      { id: 'line_2', variant: VAR_SOCK_M, quantity: 1, price: '6.00' },
      { id: 'line_3', variant: VAR_HAT, quantity: 1, price: '20.00' },
    ];
    for (const channel of ['WEB', 'POS', 'MESSENGER']) {
      const priced = await price(cart(channel, lines));
      expect(priced.discountTotal.amount).toBe('6.00');
      expect(priced.lineDiscounts).toEqual([
        { lineId: 'line_1', amount: { amount: '0.00' } },
        { lineId: 'line_2', amount: { amount: '6.00' } },
        { lineId: 'line_3', amount: { amount: '0.00' } },
      ]);
    }
    const single = await price(cart('WEB', [lines[0]!]));
    expect(single.promotionExplanations[0]).toMatchObject({
      status: 'NOT_APPLIED',
      reasons: [{ code: 'PRODUCTS_NOT_IN_CART', missingProducts: [{ targetKind: 'PRODUCT', ids: [PROD_SOCK], quantityMissing: 1 }] }],
    });
  });

  it('points every problem at its input field and saves nothing', async () => {
    const bad = async (input: object) => expectData(await admin()(CREATE, { input: { name: 'Bad', currencyCode: 'EUR', ...input } })).createPromotion;
    const fields = (payload: { userErrors: { field: string[] }[] }) => payload.userErrors.map((error) => error.field.join('.'));
    expect(fields(await bad({ action: { type: 'ORDER_PERCENT_OFF', percent: 150 } }))).toEqual(['input.action.percent']);
    expect(fields(await bad({ action: { type: 'ORDER_PERCENT_OFF' } }))).toEqual(['input.action.percent']);
    expect(fields(await bad({ action: { type: 'ORDER_PERCENT_OFF', percent: 10, amountOff: '1.00' } }))).toEqual(['input.action.amountOff']);
    expect(fields(await bad({ kind: 'PERCENTAGE_OFF_ORDER', percentOff: 10, action: { type: 'FREE_SHIPPING' } }))).toEqual(['input.kind', 'input.percentOff']);
    expect(fields(await bad({}))).toEqual(['input.kind']);
    expect(
      fields(await bad({ action: { type: 'TIERED_SPEND', tiers: [{ threshold: '50.00', amountOff: '5.00' }, { threshold: '40.00', amountOff: '4.00' }] } })),
    ).toEqual(['input.action.tiers.1.threshold', 'input.action.tiers.1.amountOff']);
    expect(fields(await bad({ action: { type: 'GIFT', variantId: 'var_nowhere', quantity: 1 } }))).toEqual(['input.action.variantId']);
    expect(fields(await bad({ priority: -1, locationIds: ['', PROD_SOCK], action: { type: 'LINES_PERCENT_OFF', percent: 10, target: { kind: 'PRODUCT', ids: [VAR_HAT] } } }))).toEqual([
      'input.priority',
      'input.locationIds.0',
      'input.locationIds.1',
      'input.action.target.ids.0',
    ]);
    expect(fields(await bad({ action: { type: 'FREE_SHIPPING' }, stacking: { mode: 'BEST_DEAL' } }))).toEqual(['input.stacking.group']);
    expect(fields(await bad({ action: { type: 'FREE_SHIPPING' }, conditions: [{ type: 'CART_CONTAINS', target: { kind: 'CATEGORY', ids: [] }, minQuantity: 0 }] }))).toEqual([
      'input.conditions.0.target.ids',
      'input.conditions.0.minQuantity',
    ]);
    const all = expectData(await admin()('{ promotions(first: 100) { edges { node { id } } } }')).promotions.edges;
    expect(all).toHaveLength(1);
  });

  it('keeps a promotion made the old way working, with its minimum as a condition', async () => {
    const created = expectData(await admin()(CREATE, { input: { name: 'Old way', currencyCode: 'EUR', kind: 'FIXED_AMOUNT_OFF_ORDER', amountOff: '3.00', minimumSubtotal: '30.00', channels: ['POS'] } })).createPromotion;
    expect(created.userErrors).toEqual([]);
    expect(created.promotion).toMatchObject({ kind: 'FIXED_AMOUNT_OFF_ORDER', conditions: [{ type: 'MIN_SUBTOTAL', minimumSubtotal: { amount: '30.00' } }], action: { type: 'ORDER_AMOUNT_OFF', amountOff: { amount: '3.00' } } });
    const priced = await price(cart('POS', [{ id: 'line_1', variant: VAR_HAT, quantity: 2, price: '20.00' }]));
    expect(priced.discountTotal.amount).toBe('3.00');
    await admin()(`mutation($id: ID!) { setPromotionStatus(input: { promotionId: $id, status: ARCHIVED }) { userErrors { code } } }`, { id: created.promotion.id });
  });

  it('updates rules: an exclusive promotion that saves more replaces the combination, and the loser says why', async () => {
    const created = expectData(await admin()(CREATE, { input: { name: '25% off hats', currencyCode: 'EUR', action: { type: 'LINES_PERCENT_OFF', target: { kind: 'PRODUCT', ids: [PROD_HAT] }, percent: 10 } } })).createPromotion;
    const id = created.promotion.id;
    const updated = expectData(await admin()(UPDATE, { input: { promotionId: id, priority: 5, stacking: { mode: 'EXCLUSIVE' }, action: { type: 'LINES_PERCENT_OFF', target: { kind: 'PRODUCT', ids: [PROD_HAT] }, percent: 50 } } })).updatePromotion;
    expect(updated.userErrors).toEqual([]);
    expect(updated.promotion).toMatchObject({ priority: 5, stacking: { mode: 'EXCLUSIVE' }, action: { percent: 50 } });
    const priced = await price(cart('WEB', [{ id: 'line_1', variant: VAR_SOCK_S, quantity: 2, price: '8.00' }, { id: 'line_2', variant: VAR_HAT, quantity: 1, price: '20.00' }]));
    expect(priced.discountTotal.amount).toBe('10.00');
    expect(priced.promotionExplanations.map((e: { promotion: { id: string }; status: string; reasons: { code: string }[] }) => [e.promotion.id, e.status, e.reasons[0]?.code ?? null])).toEqual([
      [id, 'APPLIED', null],
      [twoForOneId, 'NOT_APPLIED', 'EXCLUDED_BY'],
    ]);
    const refused = expectData(await admin()(UPDATE, { input: { promotionId: id, endsAt: '2020-01-01T00:00:00.000Z', startsAt: '2021-01-01T00:00:00.000Z' } })).updatePromotion;
    expect(refused.userErrors.map((error: { field: string[] }) => error.field.join('.'))).toEqual(['input.endsAt']);
    await admin()(`mutation($id: ID!) { setPromotionStatus(input: { promotionId: $id, status: ARCHIVED }) { userErrors { code } } }`, { id });
    const archived = expectData(await admin()(UPDATE, { input: { promotionId: id, priority: 1 } })).updatePromotion;
    expect(archived.userErrors).toEqual([expect.objectContaining({ code: 'INVALID_STATE' })]);
  });
});

describe('bundles and gifts', () => {
  const archive = async (promotionId: string) =>
    admin()(`mutation($id: ID!) { setPromotionStatus(input: { promotionId: $id, status: ARCHIVED }) { userErrors { code } } }`, { id: promotionId });

  it("refuses a bundle price at or above what its items cost on their own in the catalog, on create and on update", async () => {
    // Socks S cost 10.00 and the hat 25.00 in EUR: 35.00 together.
    const bundle = (price: string) => ({
      type: 'BUNDLE_FIXED_PRICE',
      items: [
        { target: { kind: 'VARIANT', ids: [VAR_SOCK_S] }, quantity: 1 },
        { target: { kind: 'VARIANT', ids: [VAR_HAT] }, quantity: 1 },
      ],
      price,
    });
    for (const price of ['35.00', '40.00']) {
      const refused = expectData(await admin()(CREATE, { input: { name: 'Bad bundle', currencyCode: 'EUR', action: bundle(price) } })).createPromotion;
      expect(refused).toEqual({ promotion: null, userErrors: [{ code: 'INVALID', field: ['input', 'action', 'price'], message: expect.stringContaining('below what its items cost') }] });
    }
    const created = expectData(await admin()(CREATE, { input: { name: 'Sock and hat', currencyCode: 'EUR', action: bundle('30.00') } })).createPromotion;
    expect(created.userErrors).toEqual([]);
    const raised = expectData(await admin()(UPDATE, { input: { promotionId: created.promotion.id, action: bundle('35.00') } })).updatePromotion;
    expect(raised.userErrors.map((error: { field: string[] }) => error.field.join('.'))).toEqual(['input.action.price']);
    // No price in USD: nothing to compare with, so the catalog cannot refuse it.
    const inUsd = expectData(await admin()(CREATE, { input: { name: 'USD bundle', currencyCode: 'USD', action: bundle('99.00') } })).createPromotion;
    expect(inUsd.userErrors).toEqual([]);
    await archive(created.promotion.id);
    await archive(inUsd.promotion.id);
  });

  it('lists a gift on the cart before it is added, with how many to add, and prices it free once added', async () => {
    const GIFTS = `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Cart { discountTotal { amount } gifts { promotion { id } variant { id } quantity quantityInCart quantityToAdd } } } }`;
    const gifts = async (rep: ReturnType<typeof cart>) => expectData(await anonymous()(GIFTS, { reps: [rep] }))._entities[0];
    const created = expectData(
      await admin()(CREATE, { input: { name: 'Free gift over 30', currencyCode: 'EUR', minimumSubtotal: '30.00', action: { type: 'GIFT', variantId: VAR_GIFT, quantity: 2 } } }),
    ).createPromotion;
    expect(created.userErrors).toEqual([]);
    const giftId = created.promotion.id;
    const hats = { id: 'line_1', variant: VAR_HAT, quantity: 2, price: '20.00' };

    expect(await gifts(cart('WEB', [{ ...hats, quantity: 1 }]))).toEqual({ discountTotal: { amount: '0.00' }, gifts: [] });
    expect(await gifts(cart('WEB', [hats]))).toEqual({
      discountTotal: { amount: '0.00' },
      gifts: [{ promotion: { id: giftId }, variant: { id: VAR_GIFT }, quantity: 2, quantityInCart: 0, quantityToAdd: 2 }],
    });
    const oneAdded = await gifts(cart('POS', [hats, { id: 'line_2', variant: VAR_GIFT, quantity: 1, price: '7.00' }]));
    expect(oneAdded).toEqual({ discountTotal: { amount: '7.00' }, gifts: [{ promotion: { id: giftId }, variant: { id: VAR_GIFT }, quantity: 2, quantityInCart: 1, quantityToAdd: 1 }] });
    const allAdded = await gifts(cart('WEB', [hats, { id: 'line_2', variant: VAR_GIFT, quantity: 3, price: '7.00' }]));
    expect(allAdded).toEqual({ discountTotal: { amount: '14.00' }, gifts: [{ promotion: { id: giftId }, variant: { id: VAR_GIFT }, quantity: 2, quantityInCart: 3, quantityToAdd: 0 }] });
    await archive(giftId);
    expect((await gifts(cart('WEB', [hats]))).gifts).toEqual([]);
  });
});

describe('coupon codes', () => {
  let promotionId: string;
  let webOnlyId: string;

  it('lets only admins add codes; codes are case-insensitive and unique over every promotion', async () => {
    const created = expectData(await admin()(CREATE, { input: { name: 'Code: 5 off', currencyCode: 'EUR', requiresCoupon: true, action: { type: 'ORDER_AMOUNT_OFF', amountOff: '5.00' } } })).createPromotion;
    promotionId = created.promotion.id;
    const webOnly = expectData(await admin()(CREATE, { input: { name: 'Web code', currencyCode: 'EUR', requiresCoupon: true, channels: ['WEB'], action: { type: 'ORDER_AMOUNT_OFF', amountOff: '1.00' } } })).createPromotion;
    webOnlyId = webOnly.promotion.id;

    const refused = await anonymous()(CODES, { input: { promotionId, codes: ['X'] } });
    expect(refused.errors?.[0]?.extensions?.code).toMatch(/FORBIDDEN|UNAUTHENTICATED/);
    const added = expectData(await admin()(CODES, { input: { promotionId, codes: [' summer-5 ', 'Once'] } })).createCouponCodes;
    expect(added.userErrors).toEqual([]);
    expect(added.couponCodes.map((code: { code: string }) => code.code)).toEqual(['SUMMER-5', 'ONCE']);
    const again = expectData(await admin()(CODES, { input: { promotionId: webOnlyId, codes: ['WEBBY', 'Summer-5', 'bad code', 'webby'] } })).createCouponCodes;
    expect(again.couponCodes).toEqual([]);
    expect(again.userErrors.map((error: { field: string[]; message: string }) => [error.field.join('.'), error.message])).toEqual([
      ['input.codes.2', 'must be 1 to 64 letters, digits, "-" or "_"'],
      ['input.codes.3', 'is listed twice'],
    ]);
    const taken = expectData(await admin()(CODES, { input: { promotionId: webOnlyId, codes: ['WEBBY', 'Summer-5'] } })).createCouponCodes;
    expect(taken.userErrors.map((error: { field: string[] }) => error.field.join('.'))).toEqual(['input.codes.1']);
    expect(expectData(await admin()(CODES, { input: { promotionId: webOnlyId, codes: ['WEBBY'] } })).createCouponCodes.userErrors).toEqual([]);
  });

  it("lists a promotion's codes to admins only, oldest first", async () => {
    const LIST = `query($id: ID!) { promotion(id: $id) { couponCodes(first: 1) { edges { node { code } } pageInfo { hasNextPage } } } }`;
    const listed = expectData(await admin()(LIST, { id: promotionId })).promotion.couponCodes;
    expect(listed).toEqual({ edges: [{ node: { code: 'SUMMER-5' } }], pageInfo: { hasNextPage: true } });
    const hidden = await signedSubgraphClient(server.url, TEST_SIGNING_SECRET, callers.customer('cus_x'))(LIST, { id: promotionId });
    expect(hidden.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('generates a batch of single-use codes after a prefix', async () => {
    const generated = expectData(await admin()(CODES, { input: { promotionId, generate: { count: 200, prefix: 'vip-' } } })).createCouponCodes;
    expect(generated.userErrors).toEqual([]);
    expect(generated.couponCodes).toHaveLength(200);
    expect(new Set(generated.couponCodes.map((code: { code: string }) => code.code)).size).toBe(200);
    for (const code of generated.couponCodes) expect(code).toMatchObject({ code: expect.stringMatching(/^VIP-[0-9A-Z]{10}$/), usageLimit: 1, promotion: { id: promotionId } });
    const tooMany = expectData(await admin()(CODES, { input: { promotionId, generate: { count: 1001 } } })).createCouponCodes;
    expect(tooMany.userErrors.map((error: { field: string[] }) => error.field.join('.'))).toEqual(['input.generate.count']);
  });

  it('unlocks a code-only promotion with its code in any case, and says what every other code is', async () => {
    const lines = [{ id: 'line_1', variant: VAR_HAT, quantity: 1, price: '20.00' }];
    const without = await price(cart('POS', lines));
    expect(without.discountTotal.amount).toBe('0.00');
    expect(without.promotionExplanations.find((e: { promotion: { id: string } }) => e.promotion.id === promotionId).reasons[0].code).toBe('COUPON_REQUIRED');

    const withCode = await price(cart('POS', lines, ['summer-5', 'nope', 'webby']));
    expect(withCode.discountTotal.amount).toBe('5.00');
    expect(withCode.promotionExplanations.find((e: { promotion: { id: string } }) => e.promotion.id === promotionId)).toMatchObject({ status: 'APPLIED', couponCode: 'SUMMER-5' });
    expect(withCode.unmatchedCouponCodes).toEqual([
      { code: 'NOPE', reason: 'COUPON_UNKNOWN' },
      { code: 'WEBBY', reason: 'NOT_IN_CHANNEL' },
    ]);
  });

  it('reports a single-use code as used up once a checkout holds it, and an expired code as expired', async () => {
    const [once] = expectData(await admin()(CODES, { input: { promotionId, codes: ['SINGLE'], usageLimitPerCode: 1 } })).createCouponCodes.couponCodes;
    expect(once.usageLimit).toBe(1);
    const expiresAt = new Date(Date.now() + 3_600_000);
    await database.db.insert(usageHolds).values({ id: 'hold_1', service: 'cart', holdKey: 'k1', customerId: null, status: 'PENDING', expiresAt });
    await database.db.insert(promotionUses).values({ id: 'use_1', holdId: 'hold_1', promotionId, customerId: null, couponCode: 'SINGLE', discountMinor: 500, status: 'PENDING', expiresAt });
    expectData(await admin()(CODES, { input: { promotionId, codes: ['PAST'], expiresAt: '2020-01-01T00:00:00.000Z' } }));

    const priced = await price(cart('WEB', [{ id: 'line_1', variant: VAR_HAT, quantity: 1, price: '20.00' }], ['single', 'past']));
    expect(priced.discountTotal.amount).toBe('0.00');
    expect(priced.unmatchedCouponCodes).toEqual([
      { code: 'SINGLE', reason: 'COUPON_USED_UP' },
      { code: 'PAST', reason: 'COUPON_EXPIRED' },
    ]);
  });
});

describe("the cart's coupon check", () => {
  const CHECK = `query($code: String!, $channel: Channel!, $currencyCode: String!, $customerId: ID) {
    couponCodeCheck(code: $code, channel: $channel, currencyCode: $currencyCode, customerId: $customerId) { code refusal startsAt }
  }`;
  const cartService = () => signedSubgraphClient(server.url, TEST_SIGNING_SECRET, callers.service('cart'), 'cart');
  const check = async (code: string, channel = 'WEB', currencyCode = 'EUR', customerId: string | null = null) =>
    expectData(await cartService()(CHECK, { code, channel, currencyCode, customerId })).couponCodeCheck;
  const refusal = async (...args: Parameters<typeof check>) => (await check(...args)).refusal;
  const withCode = async (input: object, code: string) => {
    const created = expectData(await admin()(CREATE, { input: { currencyCode: 'EUR', requiresCoupon: true, action: { type: 'ORDER_AMOUNT_OFF', amountOff: '1.00' }, ...input } })).createPromotion;
    expect(created.userErrors).toEqual([]);
    expect(expectData(await admin()(CODES, { input: { promotionId: created.promotion.id, codes: [code] } })).createCouponCodes.userErrors).toEqual([]);
    return created.promotion.id as string;
  };
  const holdUse = async (promotionId: string, customerId: string | null, couponCode: string | null) => {
    const holdId = `hold_${Math.random().toString(36).slice(2)}`;
    const expiresAt = new Date(Date.now() + 3_600_000);
    await database.db.insert(usageHolds).values({ id: holdId, service: 'cart', holdKey: holdId, customerId, status: 'PENDING', expiresAt });
    await database.db.insert(promotionUses).values({ id: `use_${holdId}`, holdId, promotionId, customerId, couponCode, discountMinor: 100, status: 'PENDING', expiresAt });
  };

  it('accepts a code that unlocks a running promotion, whatever the cart still lacks, and names it normalized', async () => {
    expect(await check(' summer-5 ', 'POS')).toEqual({ code: 'SUMMER-5', refusal: null, startsAt: null });
    await withCode({ name: 'Big spenders', minimumSubtotal: '500.00' }, 'BIG');
    expect(await refusal('big')).toBeNull();
    // What the cart then says of it is a reason the shopper can still do something about.
    const priced = await price(cart('WEB', [{ id: 'line_1', variant: VAR_HAT, quantity: 1, price: '20.00' }], ['big']));
    expect(priced.unmatchedCouponCodes).toEqual([]);
    expect(priced.promotionExplanations.find((e: { reasons: { code: string }[]; status: string }) => e.status === 'NOT_APPLIED' && e.reasons[0]?.code === 'MIN_SUBTOTAL_NOT_MET')).toBeDefined();
  });

  it('refuses unknown, expired, used-up, other-channel and other-currency codes as pricing explains them', async () => {
    expect(await refusal('nope')).toBe('COUPON_UNKNOWN');
    expect(await refusal('past')).toBe('COUPON_EXPIRED');
    expect(await refusal('single')).toBe('COUPON_USED_UP');
    expect(await refusal('webby', 'POS')).toBe('COUPON_NOT_IN_CHANNEL');
    expect(await refusal('webby', 'WEB')).toBeNull();
    expect(await refusal('summer-5', 'WEB', 'USD')).toBe('COUPON_NOT_IN_CHANNEL');
    const priced = await price(cart('POS', [{ id: 'line_1', variant: VAR_HAT, quantity: 1, price: '20.00' }], ['nope', 'past', 'single', 'webby']));
    expect(priced.unmatchedCouponCodes.map((coupon: { reason: string }) => coupon.reason)).toEqual(['COUPON_UNKNOWN', 'COUPON_EXPIRED', 'COUPON_USED_UP', 'NOT_IN_CHANNEL']);
  });

  it("refuses a code whose promotion has not started, is paused, archived or ended", async () => {
    const startsAt = new Date(Date.now() + 86_400_000).toISOString();
    await withCode({ name: 'Tomorrow', startsAt }, 'TOMORROW');
    expect(await check('tomorrow')).toEqual({ code: 'TOMORROW', refusal: 'COUPON_NOT_ACTIVE', startsAt });
    const paused = await withCode({ name: 'Paused', status: 'PAUSED' }, 'PAUSED');
    expect(await refusal('paused')).toBe('COUPON_NOT_ACTIVE');
    await admin()(`mutation($id: ID!) { setPromotionStatus(input: { promotionId: $id, status: ARCHIVED }) { userErrors { code } } }`, { id: paused });
    expect(await refusal('paused')).toBe('COUPON_EXPIRED');
    const ending = await withCode({ name: 'Ending' }, 'ENDING');
    await admin()(UPDATE, { input: { promotionId: ending, startsAt: '2020-01-01T00:00:00.000Z', endsAt: new Date(Date.now() - 1000).toISOString() } });
    expect(await refusal('ending')).toBe('COUPON_EXPIRED');
  });

  it("refuses a code once its promotion's total or per-customer limit or its budget is reached", async () => {
    const total = await withCode({ name: 'Once in all', usageLimit: 1 }, 'ONCE-ALL');
    expect(await refusal('once-all')).toBeNull();
    await holdUse(total, null, 'ONCE-ALL');
    expect(await refusal('once-all')).toBe('COUPON_USED_UP');

    const perCustomer = await withCode({ name: 'Once each', usageLimitPerCustomer: 1 }, 'ONCE-EACH');
    await holdUse(perCustomer, 'cus_ann', 'ONCE-EACH');
    expect(await refusal('once-each', 'WEB', 'EUR', 'cus_ann')).toBe('COUPON_USED_UP');
    expect(await refusal('once-each', 'WEB', 'EUR', 'cus_bob')).toBeNull();
    expect(await refusal('once-each', 'WEB', 'EUR', null)).toBeNull();

    const budget = await withCode({ name: 'Small budget', budget: '1.00' }, 'BUDGET');
    await holdUse(budget, null, null);
    expect(await refusal('budget')).toBe('COUPON_USED_UP');
  });

  it('answers signed services only, and malformed arguments are BAD_USER_INPUT', async () => {
    const asCustomer = await signedSubgraphClient(server.url, TEST_SIGNING_SECRET, callers.customer('cus_x'))(CHECK, { code: 'X', channel: 'WEB', currencyCode: 'EUR' });
    expect(asCustomer.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const badCurrency = await cartService()(CHECK, { code: 'X', channel: 'WEB', currencyCode: 'euro' });
    expect(badCurrency.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('single-use codes at checkout', () => {
  const HOLD = `mutation($input: HoldPromotionUsageInput!) { holdPromotionUsage(input: $input) { holdId refused { promotionId couponCode reason } } }`;
  const cartService = () => signedSubgraphClient(server.url, TEST_SIGNING_SECRET, callers.service('cart'), 'cart');

  it.skipIf(!process.env.DATABASE_URL)('holds a single-use code for exactly 1 of 20 concurrent checkouts', async () => {
    const promotion = expectData(
      await admin()(CREATE, { input: { name: 'One code, one use', currencyCode: 'EUR', requiresCoupon: true, action: { type: 'ORDER_AMOUNT_OFF', amountOff: '2.00' } } }),
    ).createPromotion.promotion;
    expectData(await admin()(CODES, { input: { promotionId: promotion.id, codes: ['ONLY-ONCE'], usageLimitPerCode: 1 } }));
    const holds = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        cartService()(HOLD, { input: { holdKey: `race-${i}`, customerId: `cus_${i}`, uses: [{ promotionId: promotion.id, couponCode: 'ONLY-ONCE', discountMinor: 200 }] } }),
      ),
    );
    const answers = holds.map((response) => expectData(response).holdPromotionUsage);
    expect(answers.filter((answer) => answer.holdId !== null)).toHaveLength(1);
    for (const answer of answers.filter((answer) => answer.holdId === null)) expect(answer.refused).toEqual([{ promotionId: promotion.id, couponCode: 'ONLY-ONCE', reason: 'COUPON_USED_UP' }]);
  });
});

describe('badges on products and variants', () => {
  const BADGES = `query($reps: [_Any!]!) { _entities(representations: $reps) {
    ... on Product { id promotionBadges { label promotion { id } } }
    ... on Variant { id promotionBadges { label promotion { id } } }
  } }`;

  it("shows the automatic promotions that target a product, its variant or its category, in the caller's channel only", async () => {
    const posOnly = expectData(
      await admin()(CREATE, { input: { name: 'Wear −20 % in store', currencyCode: 'EUR', channels: ['POS'], action: { type: 'LINES_PERCENT_OFF', target: { kind: 'CATEGORY', ids: [CAT_WEAR] }, percent: 20 } } }),
    ).createPromotion.promotion;
    const reps = [
      { __typename: 'Product', id: PROD_SOCK, category: { id: CAT_WEAR } },
      { __typename: 'Variant', id: VAR_HAT, product: { id: PROD_HAT, category: { id: CAT_WEAR } } },
      { __typename: 'Product', id: PROD_OTHER, category: { id: CAT_HOME } },
    ];
    const web = expectData(await signedSubgraphClient(server.url, TEST_SIGNING_SECRET, callers.customer('cus_x', 'WEB'))(BADGES, { reps }))._entities;
    expect(web.map((entity: { promotionBadges: { label: string }[] }) => entity.promotionBadges.map((badge) => badge.label))).toEqual([['2 for 1'], [], []]);
    const pos = expectData(await signedSubgraphClient(server.url, TEST_SIGNING_SECRET, callers.customer('cus_x', 'POS'))(BADGES, { reps }))._entities;
    expect(pos[0].promotionBadges.map((badge: { label: string }) => badge.label)).toEqual(['2 for 1', '−20 %']);
    expect(pos[1].promotionBadges).toEqual([{ label: '−20 %', promotion: { id: posOnly.id } }]);
    expect(pos[2].promotionBadges).toEqual([]);
  });
});
