import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '@omni/db';
import type { RunningServer } from '@omni/graphql';
import { callers, createTestDatabase, expectData, signedSubgraphClient, TEST_SIGNING_SECRET, type TestDatabase } from '@omni/testing';
import type { CatalogPort } from '../src/clients/catalog-client';
import { openPromotionsDatabase, type PromotionsDatabase } from '../src/db/database';
import { createPromotionsSubgraph } from '../src/server';

/**
 * Personal offers: templates through the admin API, offers issued from the customer subgraph's
 * events (each applied once), a personal code priced only for its owner, USED and EXPIRED, and
 * offers following a merge.
 */
let testDb: TestDatabase;
let database: PromotionsDatabase;
let server: RunningServer;
const id = (prefix: string, tail: string) => `${prefix}_${tail.padStart(26, '0')}`;
const [PROD_JACKET, PROD_SCARF] = [id('prod', 'jacket'), id('prod', 'scarf')];
const [VAR_JACKET, VAR_SCARF] = [id('var', 'jacket'), id('var', 'scarf')];
const PRODUCTS: Record<string, string> = { [VAR_JACKET]: PROD_JACKET, [VAR_SCARF]: PROD_SCARF };
const catalog: CatalogPort = {
  async variantFacts(ids) {
    return new Map(ids.filter((variantId) => PRODUCTS[variantId]).map((variantId) => [variantId, { variantId, productId: PRODUCTS[variantId]!, categoryIds: [] }]));
  },
  unitPrices: async () => new Map(),
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

const as = (caller: Parameters<typeof signedSubgraphClient>[2]) => signedSubgraphClient(server.url, TEST_SIGNING_SECRET, caller);
const admin = () => as(callers.admin());

const CREATE = `mutation($input: CreatePromotionInput!) { createPromotion(input: $input) {
  promotion { id requiresCoupon personalOffer { trigger validForDays } action { type target { kind ids } } }
  userErrors { code field message } } }`;
const SET_STATUS = `mutation($input: SetPromotionStatusInput!) { setPromotionStatus(input: $input) { promotion { id status } userErrors { code field message } } }`;
const CODES = `mutation($input: CreateCouponCodesInput!) { createCouponCodes(input: $input) { userErrors { code field message } } }`;
const RECEIVE = `mutation($events: [DomainEventInput!]!) { receivePromotionEvents(events: $events) { accepted } }`;
const OFFERS = `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Customer {
  offers { id code title description trigger product { id } issuedAt expiresAt status promotion { id action { type target { ids } } } }
} } }`;
const PRICED = `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Cart {
  discountTotal { amount } total { amount }
  promotionExplanations { promotion { id } status couponCode reasons { code couponCode message } }
  unmatchedCouponCodes { code reason }
} } }`;
const PROMOTIONS = `{ promotions(first: 100) { edges { node { id } } } }`;
const HOLD = `mutation($input: HoldPromotionUsageInput!) { holdPromotionUsage(input: $input) { holdId refused { reason } } }`;
const CONFIRM = `mutation($input: ConfirmPromotionUsageInput!) { confirmPromotionUsage(input: $input) }`;

function event(type: string, payload: Record<string, unknown>, eventId = newId('evt')) {
  const aggregateId = String(payload.customerId ?? payload.survivorId ?? 'cus_x');
  return { id: eventId, type, producer: 'customer', aggregateId, occurredAt: new Date().toISOString(), payload: JSON.stringify(payload) };
}
const deliver = async (...events: ReturnType<typeof event>[]) =>
  expectData(await as(callers.service('customer'))(RECEIVE, { events })).receivePromotionEvents.accepted as number;

type Offer = { id: string; code: string; title: string; trigger: string; product: { id: string } | null; expiresAt: string; issuedAt: string; status: string; promotion: { id: string; action: { type: string; target: { ids: string[] } | null } } };
async function offersOf(customerId: string, caller = callers.customer(customerId)): Promise<Offer[]> {
  return expectData(await as(caller)(OFFERS, { reps: [{ __typename: 'Customer', id: customerId }] }))._entities[0].offers;
}

function cart(customerId: string | null, couponCodes: string[], lines: { variant: string; quantity: number; price: string }[]) {
  const subtotal = lines.reduce((sum, line) => sum + line.quantity * Math.round(Number(line.price) * 100), 0);
  return {
    __typename: 'Cart',
    id: newId('cart'),
    channel: 'MOBILE_APP',
    subtotal: { amount: (subtotal / 100).toFixed(2), currencyCode: 'EUR' },
    couponCodes,
    customer: customerId ? { id: customerId } : null,
    lines: { totalCount: lines.length, edges: lines.map((line, i) => ({ node: { id: `line_${i}`, quantity: line.quantity, unitPrice: { amount: line.price, currencyCode: 'EUR' }, variant: { id: line.variant } } })) },
  };
}
const price = async (rep: ReturnType<typeof cart>) => expectData(await as(callers.anonymous())(PRICED, { reps: [rep] }))._entities[0];

let welcomeTemplateId: string;
let engagedTemplateId: string;

describe('offer templates through the admin API', () => {
  it('makes a promotion the template of a personal offer, needing its code and aimed at no product of its own', async () => {
    const welcome = expectData(
      await admin()(CREATE, { input: { name: '10 % off your next order', description: 'Welcome', currencyCode: 'EUR', action: { type: 'ORDER_PERCENT_OFF', percent: 10 }, personalOffer: { trigger: 'FIRST_ORDER', validForDays: 30 } } }),
    ).createPromotion;
    expect(welcome.userErrors).toEqual([]);
    expect(welcome.promotion).toMatchObject({ requiresCoupon: true, personalOffer: { trigger: 'FIRST_ORDER', validForDays: 30 } });
    welcomeTemplateId = welcome.promotion.id;

    const engaged = expectData(
      await admin()(CREATE, {
        input: {
          name: '2 for 1 on the product you asked about',
          currencyCode: 'EUR',
          action: { type: 'BUY_X_GET_Y', buyQuantity: 1, getQuantity: 1, percent: 100, maxGroups: 1 },
          personalOffer: { trigger: 'ENGAGED_WITH_PRODUCT', validForDays: 14 },
        },
      }),
    ).createPromotion;
    expect(engaged.userErrors).toEqual([]);
    expect(engaged.promotion.action).toEqual({ type: 'BUY_X_GET_Y', target: { kind: 'PRODUCT', ids: [] } });
    engagedTemplateId = engaged.promotion.id;
  });

  it('refuses a second active template of a trigger, a template without its code, and an engagement offer not on the product', async () => {
    const base = { name: 'Another welcome', currencyCode: 'EUR', action: { type: 'ORDER_PERCENT_OFF', percent: 5 } };
    const second = expectData(await admin()(CREATE, { input: { ...base, personalOffer: { trigger: 'FIRST_ORDER', validForDays: 10 } } })).createPromotion;
    expect(second.promotion).toBeNull();
    expect(second.userErrors).toEqual([expect.objectContaining({ code: 'INVALID_STATE', field: ['input', 'personalOffer', 'trigger'] })]);

    const paused = expectData(await admin()(CREATE, { input: { ...base, status: 'PAUSED', personalOffer: { trigger: 'FIRST_ORDER', validForDays: 10 } } })).createPromotion;
    expect(paused.userErrors).toEqual([]);
    const activated = expectData(await admin()(SET_STATUS, { input: { promotionId: paused.promotion.id, status: 'ACTIVE' } })).setPromotionStatus;
    expect(activated.userErrors).toEqual([expect.objectContaining({ code: 'INVALID_STATE', field: ['input', 'status'] })]);

    const refused = expectData(
      await admin()(CREATE, {
        input: {
          name: 'Bad',
          currencyCode: 'EUR',
          requiresCoupon: false,
          action: { type: 'ORDER_PERCENT_OFF', percent: 5 },
          personalOffer: { trigger: 'ENGAGED_WITH_PRODUCT', validForDays: 400 },
        },
      }),
    ).createPromotion;
    expect(refused.userErrors.map((error: { field: string[] }) => error.field.join('.')).sort()).toEqual(['input.personalOffer.validForDays']);

    const notOnProduct = expectData(
      await admin()(CREATE, { input: { name: 'Bad', currencyCode: 'EUR', requiresCoupon: false, status: 'PAUSED', action: { type: 'ORDER_PERCENT_OFF', percent: 5 }, personalOffer: { trigger: 'ENGAGED_WITH_PRODUCT', validForDays: 7 } } }),
    ).createPromotion;
    expect(notOnProduct.userErrors.map((error: { field: string[] }) => error.field.join('.')).sort()).toEqual(['input.action.type', 'input.requiresCoupon']);

    const withTarget = expectData(
      await admin()(CREATE, {
        input: { name: 'Bad', currencyCode: 'EUR', status: 'PAUSED', action: { type: 'LINES_PERCENT_OFF', percent: 5, target: { kind: 'PRODUCT', ids: [PROD_SCARF] } }, personalOffer: { trigger: 'ENGAGED_WITH_PRODUCT', validForDays: 7 } },
      }),
    ).createPromotion;
    expect(withTarget.userErrors).toEqual([expect.objectContaining({ field: ['input', 'action', 'target'] })]);

    const codes = expectData(await admin()(CODES, { input: { promotionId: welcomeTemplateId, codes: ['WELCOME'] } })).createCouponCodes;
    expect(codes.userErrors).toEqual([expect.objectContaining({ code: 'INVALID_STATE' })]);
  });
});

describe('issuing offers from customer events', () => {
  const anna = id('cus', 'anna');
  const ben = id('cus', 'ben');

  it('applies each event once, however often it is delivered, and ignores unknown types', async () => {
    const firstOrder = event('customer.first_order', { customerId: anna, orderId: id('ord', 'a1'), channel: 'WEB', currencyCode: 'EUR' });
    const unknown = event('customer.something_else', { customerId: anna });
    expect(await deliver(firstOrder, unknown)).toBe(2);
    expect(await deliver(firstOrder, unknown)).toBe(0);
    const offers = await offersOf(anna);
    expect(offers).toHaveLength(1);
    expect(offers[0]).toMatchObject({ title: '10 % off your next order', trigger: 'FIRST_ORDER', product: null, status: 'AVAILABLE' });
    expect(offers[0]!.code).toMatch(/^WELCOME-[0-9A-Z]{10}$/);
    expect(new Date(offers[0]!.expiresAt).getTime() - new Date(offers[0]!.issuedAt).getTime()).toBe(30 * 24 * 3600 * 1000);
  });

  it('issues the welcome offer once per customer, even for a second first_order event', async () => {
    await deliver(event('customer.first_order', { customerId: anna, orderId: id('ord', 'a2'), channel: 'POS', currencyCode: 'EUR' }));
    expect((await offersOf(anna)).filter((offer) => offer.trigger === 'FIRST_ORDER')).toHaveLength(1);
  });

  it('issues the engagement offer once per product, aimed at that product', async () => {
    await deliver(event('customer.engaged_with_product', { customerId: anna, productId: PROD_JACKET }));
    await deliver(event('customer.engaged_with_product', { customerId: anna, productId: PROD_JACKET }));
    await deliver(event('customer.engaged_with_product', { customerId: anna, productId: PROD_SCARF }));
    const engaged = (await offersOf(anna)).filter((offer) => offer.trigger === 'ENGAGED_WITH_PRODUCT');
    expect(engaged.map((offer) => offer.product?.id).sort()).toEqual([PROD_JACKET, PROD_SCARF].sort());
    const jacket = engaged.find((offer) => offer.product?.id === PROD_JACKET)!;
    expect(jacket.promotion.action).toEqual({ type: 'BUY_X_GET_Y', target: { ids: [PROD_JACKET] } });
    expect(jacket.code).toMatch(/^FORYOU-/);
  });

  it('keeps personal offers and templates out of everyone else\'s carts and of the public list', async () => {
    const priced = await price(cart(ben, [], [{ variant: VAR_JACKET, quantity: 2, price: '80.00' }]));
    expect(priced.promotionExplanations).toEqual([]);
    const listed = expectData(await as(callers.anonymous())(PROMOTIONS)).promotions.edges.map((edge: { node: { id: string } }) => edge.node.id);
    const personal = (await offersOf(anna)).map((offer) => offer.promotion.id);
    expect(listed).toContain(welcomeTemplateId);
    expect(listed.filter((promotionId: string) => personal.includes(promotionId))).toEqual([]);
  });

  it('lets the customer, staff who may read customers and admins read offers; refuses anyone else', async () => {
    expect(await offersOf(anna, callers.admin())).toHaveLength(3);
    expect(await offersOf(anna, callers.staff(id('staff', 'agent'), id('loc', 'x'), 'CALL_CENTER', 'SUPPORT_AGENT'))).toHaveLength(3);
    const stranger = await as(callers.customer(ben))(OFFERS, { reps: [{ __typename: 'Customer', id: anna }] });
    expect(stranger.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const warehouse = await as(callers.staff(id('staff', 'wh'), id('loc', 'x'), 'POS', 'WAREHOUSE'))(OFFERS, { reps: [{ __typename: 'Customer', id: anna }] });
    expect(warehouse.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const anonymous = await as(callers.anonymous())(OFFERS, { reps: [{ __typename: 'Customer', id: anna }] });
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('refuses the inbox to anyone but our services', async () => {
    const response = await admin()(RECEIVE, { events: [] });
    expect(response.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});

describe('pricing a personal code', () => {
  const carla = id('cus', 'carla');
  const dan = id('cus', 'dan');
  let code: string;
  let promotionId: string;

  beforeAll(async () => {
    await deliver(event('customer.engaged_with_product', { customerId: carla, productId: PROD_JACKET }));
    const [offer] = await offersOf(carla);
    code = offer!.code;
    promotionId = offer!.promotion.id;
  });

  it('gives its owner 2 for 1 on the product engaged with, typed in any case', async () => {
    const priced = await price(cart(carla, [code.toLowerCase()], [{ variant: VAR_JACKET, quantity: 2, price: '80.00' }, { variant: VAR_SCARF, quantity: 1, price: '20.00' }]));
    expect(priced.discountTotal.amount).toBe('80.00');
    expect(priced.total.amount).toBe('100.00');
    expect(priced.promotionExplanations).toEqual([expect.objectContaining({ promotion: { id: promotionId }, status: 'APPLIED', couponCode: code })]);
  });

  it('gives anyone else nothing and says the code is not theirs', async () => {
    for (const stranger of [dan, null]) {
      const priced = await price(cart(stranger, [code], [{ variant: VAR_JACKET, quantity: 2, price: '80.00' }]));
      expect(priced.discountTotal.amount).toBe('0.00');
      expect(priced.promotionExplanations).toEqual([
        expect.objectContaining({ promotion: { id: promotionId }, status: 'NOT_APPLIED', reasons: [expect.objectContaining({ code: 'COUPON_NOT_YOURS', couponCode: code })] }),
      ]);
      expect(priced.unmatchedCouponCodes).toEqual([{ code, reason: 'COUPON_NOT_YOURS' }]);
    }
  });

  it('tells the cart subgraph a personal code may go only on its owner\'s cart', async () => {
    const CHECK = `query($code: String!, $customerId: ID) { couponCodeCheck(code: $code, channel: POS, currencyCode: "EUR", customerId: $customerId) { code refusal } }`;
    const refusal = async (code_: string, customerId: string | null) => expectData(await as(callers.service('cart'))(CHECK, { code: code_, customerId })).couponCodeCheck.refusal;
    expect(await refusal(` ${code.toLowerCase()} `, carla)).toBeNull();
    expect(await refusal(code, dan)).toBe('COUPON_NOT_YOURS');
    expect(await refusal(code, null)).toBe('COUPON_NOT_YOURS');
    expect(await refusal('ANY-UNKNOWN', null)).toBe('COUPON_UNKNOWN');
    expect((await as(callers.customer(dan))(CHECK, { code, customerId: dan })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('reads personal promotions of every cart of a request in a constant number of statements', async () => {
    const carts = (count: number) =>
      Array.from({ length: count }, (_, i) => cart(i % 2 === 0 ? carla : id('cus', `other${i}`), [code, `NOPE${i}`], [{ variant: VAR_JACKET, quantity: 2, price: '80.00' }]));
    const statementsFor = async (reps: ReturnType<typeof cart>[]) => {
      const before = database.statements.total;
      expectData(await as(callers.anonymous())(PRICED, { reps }));
      return database.statements.total - before;
    };
    expect(await statementsFor(carts(8))).toBe(await statementsFor(carts(2)));
  });

  it('is USED once its single use went into an order, and then prices nothing', async () => {
    const hold = expectData(await as(callers.service('cart'))(HOLD, { input: { holdKey: newId('hk'), customerId: carla, uses: [{ promotionId, couponCode: code, discountMinor: 8000 }] } })).holdPromotionUsage;
    expect(hold.refused).toEqual([]);
    expect(expectData(await as(callers.service('cart'))(CONFIRM, { input: { holdId: hold.holdId, orderId: id('ord', 'carla') } })).confirmPromotionUsage).toBe(true);
    expect((await offersOf(carla))[0]!.status).toBe('USED');
    const priced = await price(cart(carla, [code], [{ variant: VAR_JACKET, quantity: 2, price: '80.00' }]));
    expect(priced.discountTotal.amount).toBe('0.00');
    expect(priced.unmatchedCouponCodes).toEqual([{ code, reason: 'COUPON_USED_UP' }]);    // The cart's coupon check says the same to its owner, who may no longer enter it.
    const CHECK = `query($code: String!, $customerId: ID) { couponCodeCheck(code: $code, channel: WEB, currencyCode: "EUR", customerId: $customerId) { refusal } }`;
    expect(expectData(await as(callers.service('cart'))(CHECK, { code, customerId: carla })).couponCodeCheck.refusal).toBe('COUPON_USED_UP');
  });

  it('is EXPIRED after its date, and then prices nothing', async () => {
    const erin = id('cus', 'erin');
    await deliver(event('customer.engaged_with_product', { customerId: erin, productId: PROD_SCARF }));
    const [offer] = await offersOf(erin);
    const past = new Date(Date.now() - 1000);
    // As if the 14 days had passed: the offer, its code and its promotion all end together.
    await database.db.execute(sql`update promotions.personal_offers set expires_at = ${past.toISOString()} where id = ${offer!.id}`);
    await database.db.execute(sql`update promotions.coupon_codes set expires_at = ${past.toISOString()} where code = ${offer!.code}`);
    await database.db.execute(sql`update promotions.promotions set ends_at = ${past.toISOString()} where id = ${offer!.promotion.id}`);
    expect((await offersOf(erin))[0]!.status).toBe('EXPIRED');
    const priced = await price(cart(erin, [offer!.code], [{ variant: VAR_SCARF, quantity: 2, price: '20.00' }]));
    expect(priced.discountTotal.amount).toBe('0.00');
    expect(priced.unmatchedCouponCodes).toEqual([{ code: offer!.code, reason: 'COUPON_EXPIRED' }]);    const CHECK = `query($code: String!, $customerId: ID) { couponCodeCheck(code: $code, channel: WEB, currencyCode: "EUR", customerId: $customerId) { refusal } }`;
    expect(expectData(await as(callers.service('cart'))(CHECK, { code: offer!.code, customerId: erin })).couponCodeCheck.refusal).toBe('COUPON_EXPIRED');
  });
});

describe('customer.merged', () => {
  it('moves the merged record\'s offers to the survivor, where both ids reach them and the code works', async () => {
    const survivor = id('cus', 'frida');
    const merged = id('cus', 'fridaold');
    await deliver(event('customer.first_order', { customerId: merged, orderId: id('ord', 'f1'), channel: 'WEB', currencyCode: 'EUR' }));
    const [offer] = await offersOf(merged);

    // Before the offer follows the merge, the survivor's cart (carts move first) may already use it.
    const mergeEvent = event('customer.merged', { survivorId: survivor, mergedId: merged, mergeId: newId('merge') });
    expect(await deliver(mergeEvent)).toBe(1);
    expect(await deliver(mergeEvent)).toBe(0);
    expect(await offersOf(merged)).toEqual([]);
    expect((await offersOf(survivor)).map((o) => o.id)).toEqual([offer!.id]);
    // A token from before the merge names the merged id and still reads the survivor's offers.
    expect((await offersOf(survivor, callers.customer(merged))).map((o) => o.id)).toEqual([offer!.id]);

    for (const owner of [survivor, merged]) {
      const priced = await price(cart(owner, [offer!.code], [{ variant: VAR_SCARF, quantity: 5, price: '20.00' }]));
      expect(priced.discountTotal.amount).toBe('10.00');
    }
    // Events naming the merged id count for the survivor: no second welcome offer.
    await deliver(event('customer.first_order', { customerId: merged, orderId: id('ord', 'f2'), channel: 'WEB', currencyCode: 'EUR' }));
    expect(await offersOf(survivor)).toHaveLength(1);
  });
});
