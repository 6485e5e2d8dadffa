import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_OFFER_TEMPLATES, DEMO_PROMOTIONS, demoCustomer } from '@omni/demo-data';
import type { Caller } from '@omni/auth';
import type { RunningServer } from '@omni/graphql';
import { callers, createTestDatabase, expectData, signedSubgraphClient, TEST_SIGNING_SECRET, type TestDatabase } from '@omni/testing';
import { openPromotionsDatabase, type PromotionsDatabase } from '../src/db/database';
import { createPromotionsSubgraph } from '../src/server';
import { seedPromotionsDemoData } from '../src/seed';
import { promotions } from '../src/db/schema';
import type { CatalogPort } from '../src/clients/catalog-client';

/** Every variant belongs to one product in one category; pricing tests of targets use their own. */
const testCatalog: CatalogPort = {
  async variantFacts(ids) {
    return new Map(ids.map((id) => [id, { variantId: id, productId: `prod_of_${id}`, categoryIds: ['cat_all'] }]));
  },
  unitPrices: async () => new Map(),
};

let testDb: TestDatabase;
let database: PromotionsDatabase;
let server: RunningServer;
const anna = demoCustomer('anna');
const [tenPercent, posFiveOff] = DEMO_PROMOTIONS as [(typeof DEMO_PROMOTIONS)[number], (typeof DEMO_PROMOTIONS)[number]];

beforeAll(async () => {
  testDb = await createTestDatabase();
  database = await openPromotionsDatabase(testDb.client);
  await seedPromotionsDemoData(database.db);
  // A second run must neither fail nor duplicate anything.
  await seedPromotionsDemoData(database.db);
  server = await createPromotionsSubgraph({ database, signingSecret: TEST_SIGNING_SECRET, catalog: testCatalog }).listen(0);
});

afterAll(async () => {
  await server?.stop();
  await testDb?.drop();
});

const asCaller = (caller: Caller) => signedSubgraphClient(server.url, TEST_SIGNING_SECRET, caller);
const admin = () => asCaller(callers.admin());

const CART_PRICING = `query($reps: [_Any!]!) {
  _entities(representations: $reps) {
    ... on Cart { id discounts { title amount { amount currencyCode } promotion { id kind } } discountTotal { amount currencyCode } total { amount currencyCode } }
  }
}`;

/** A cart of one line worth `amount`, as the gateway sends it for the fields that `@requires` its lines. */
function cart(id: string, channel: string, amount: string, currencyCode = 'EUR') {
  const line = { id: `line_${id}`, quantity: 1, unitPrice: { amount, currencyCode }, variant: { id: 'var_any' } };
  return { __typename: 'Cart', id, channel, subtotal: { amount, currencyCode }, couponCodes: [], customer: null, lines: { totalCount: 1, edges: [{ node: line }] } };
}

const CREATE = `mutation($input: CreatePromotionInput!) {
  createPromotion(input: $input) {
    promotion { id name kind percentOff amountOff { amount currencyCode } minimumSubtotal { amount currencyCode } currencyCode channels startsAt endsAt status }
    userErrors { code field message }
  }
}`;

const SET_STATUS = `mutation($input: SetPromotionStatusInput!) {
  setPromotionStatus(input: $input) { promotion { id status } userErrors { code field } }
}`;

async function allPromotionIds(): Promise<string[]> {
  const data = expectData(await admin()('{ promotions(first: 100) { edges { node { id } } } }'));
  return data.promotions.edges.map((edge: { node: { id: string } }) => edge.node.id);
}

describe('promotions subgraph', () => {
  it('refuses a request without the gateway signature', async () => {
    const response = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ promotions { edges { node { id } } } }' }),
    });
    expect(response.status).toBe(401);
  });

  it('shows the seeded promotions to anonymous shoppers with their terms', async () => {
    const data = expectData(
      await asCaller(callers.anonymous())(
        `query($id: ID!) { promotion(id: $id) { id name kind percentOff amountOff { amount } minimumSubtotal { amount currencyCode } channels status } }`,
        { id: posFiveOff.id },
      ),
    );
    expect(data.promotion).toEqual({
      id: posFiveOff.id,
      name: posFiveOff.name,
      kind: 'FIXED_AMOUNT_OFF_ORDER',
      percentOff: null,
      amountOff: { amount: '5.00' },
      minimumSubtotal: { amount: '30.00', currencyCode: 'EUR' },
      channels: ['POS'],
      status: 'ACTIVE',
    });
    const missing = expectData(await asCaller(callers.anonymous())('{ promotion(id: "promo_nope") { id } }'));
    expect(missing.promotion).toBeNull();
  });

  it('pages through promotions with keyset cursors and filters by channel', async () => {
    const client = asCaller(callers.customer(anna.id));
    const query = `query($first: Int, $after: String, $filter: PromotionFilter) {
      promotions(first: $first, after: $after, filter: $filter) { edges { cursor node { id } } pageInfo { hasNextPage hasPreviousPage endCursor } }
    }`;
    const first = expectData(await client(query, { first: 1 }));
    expect(first.promotions.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual([tenPercent.id]);
    expect(first.promotions.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });

    const second = expectData(await client(query, { first: 1, after: first.promotions.pageInfo.endCursor }));
    expect(second.promotions.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual([posFiveOff.id]);
    // The personal offer templates come after: listed like any promotion, never applied by themselves.
    const templates = DEMO_OFFER_TEMPLATES.map((template) => template.id);
    expect(second.promotions.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: true });

    const web = expectData(await client(query, { filter: { channel: 'WEB', status: 'ACTIVE' } }));
    expect(web.promotions.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual([tenPercent.id, ...templates]);
    const pos = expectData(await client(query, { filter: { channel: 'POS' } }));
    expect(pos.promotions.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual([tenPercent.id, posFiveOff.id, ...templates]);

    const tooMany = await client(query, { first: 101 });
    expect(tooMany.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const badCursor = await client(query, { first: 1, after: 'not-a-cursor' });
    expect(badCursor.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('quotes a cart for checkout with the same discounts as Cart.total, allocated to lines, for our services only', async () => {
    const QUOTE = `query($input: CartQuoteInput!) {
      quoteCart(input: $input) {
        cartId currencyCode subtotalMinor discountTotalMinor shippingMinor totalMinor
        discounts { promotionId title amountMinor }
        lines { lineId unitPriceMinor discountMinor allocations { promotionId amountMinor } }
      }
    }`;
    const lines = [
      { lineId: 'line_b', variantId: 'var_b', quantity: 3, unitPriceMinor: 1_001 },
      { lineId: 'line_a', variantId: 'var_a', quantity: 1, unitPriceMinor: 8_997 },
    ];
    const input = { cartId: 'cart_q', channel: 'POS', locationId: 'loc_x', customerId: anna.id, currencyCode: 'EUR', lines, couponCodes: [], shippingFeeMinor: 495 };
    const quoted = expectData(await asCaller(callers.service('cart'))(QUOTE, { input })).quoteCart;
    const shown = expectData(await asCaller(callers.customer(anna.id))(CART_PRICING, { reps: [cart('cart_q', 'POS', '120.00')] }))._entities[0];

    expect(quoted).toMatchObject({ cartId: 'cart_q', currencyCode: 'EUR', subtotalMinor: 12_000, discountTotalMinor: 1_700, shippingMinor: 495, totalMinor: 10_795 });
    expect(shown.discountTotal.amount).toBe('17.00');
    expect(quoted.discounts).toEqual(shown.discounts.map((d: { title: string; amount: { amount: string }; promotion: { id: string } }) => ({ promotionId: d.promotion.id, title: d.title, amountMinor: Math.round(Number(d.amount.amount) * 100) })));
    // 12.00 over 30.03 : 89.97 → 3.003 / 8.997 (rest to line_a); 5.00 over what is left → 1.251 / 3.749.
    expect(quoted.lines).toEqual([
      { lineId: 'line_b', unitPriceMinor: 1_001, discountMinor: 300 + 125, allocations: [{ promotionId: tenPercent.id, amountMinor: 300 }, { promotionId: posFiveOff.id, amountMinor: 125 }] },
      { lineId: 'line_a', unitPriceMinor: 8_997, discountMinor: 900 + 375, allocations: [{ promotionId: tenPercent.id, amountMinor: 900 }, { promotionId: posFiveOff.id, amountMinor: 375 }] },
    ]);

    for (const caller of [callers.customer(anna.id), callers.admin(), callers.anonymous()]) {
      const refused = await asCaller(caller)(QUOTE, { input });
      expect(refused.errors?.[0]?.extensions?.code).toMatch(/FORBIDDEN|UNAUTHENTICATED/);
    }
    const duplicate = await asCaller(callers.service('cart'))(QUOTE, { input: { ...input, lines: [lines[0], lines[0]] } });
    expect(duplicate.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('prices carts through _entities: 10% on the web, both promotions at the POS, nothing under the minimum', async () => {
    const reps = [cart('cart_web', 'WEB', '120.00'), cart('cart_pos', 'POS', '120.00'), cart('cart_small', 'WEB', '40.00')];
    const data = expectData(await asCaller(callers.customer(anna.id))(CART_PRICING, { reps }));
    const [web, pos, small] = data._entities;

    expect(web).toEqual({
      id: 'cart_web',
      discounts: [
        { title: tenPercent.name, amount: { amount: '12.00', currencyCode: 'EUR' }, promotion: { id: tenPercent.id, kind: 'PERCENTAGE_OFF_ORDER' } },
      ],
      discountTotal: { amount: '12.00', currencyCode: 'EUR' },
      total: { amount: '108.00', currencyCode: 'EUR' },
    });
    expect(pos.discounts.map((d: { promotion: { id: string }; amount: { amount: string } }) => [d.promotion.id, d.amount.amount])).toEqual([
      [tenPercent.id, '12.00'],
      [posFiveOff.id, '5.00'],
    ]);
    expect(pos.discountTotal).toEqual({ amount: '17.00', currencyCode: 'EUR' });
    expect(pos.total).toEqual({ amount: '103.00', currencyCode: 'EUR' });
    expect(small).toEqual({ id: 'cart_small', discounts: [], discountTotal: { amount: '0.00', currencyCode: 'EUR' }, total: { amount: '40.00', currencyCode: 'EUR' } });
  });

  it('rounds percentages half up and gives nothing in another currency', async () => {
    const reps = [cart('cart_odd', 'WEB', '50.05'), cart('cart_usd', 'WEB', '500.00', 'USD')];
    const data = expectData(await asCaller(callers.anonymous())(CART_PRICING, { reps }));
    expect(data._entities[0].discountTotal.amount).toBe('5.01'); // 500.5 cents rounds up
    expect(data._entities[0].total.amount).toBe('45.04');
    expect(data._entities[1]).toMatchObject({ discounts: [], total: { amount: '500.00', currencyCode: 'USD' } });
  });

  it('refuses a cart representation without a usable subtotal', async () => {
    const response = await asCaller(callers.anonymous())(CART_PRICING, { reps: [cart('cart_bad', 'WEB', '1.001')] });
    expect(response.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('prices 1 cart and 50 carts with one SQL statement each', async () => {
    const client = asCaller(callers.anonymous());
    let before = database.statements.total;
    expectData(await client(CART_PRICING, { reps: [cart('cart_one', 'POS', '99.00')] }));
    expect(database.statements.total - before).toBe(1);

    const reps = Array.from({ length: 50 }, (_, i) => cart(`cart_${i}`, i % 2 ? 'POS' : 'WEB', `${40 + i}.00`, i % 5 ? 'EUR' : 'USD'));
    before = database.statements.total;
    const data = expectData(await client(CART_PRICING, { reps }));
    expect(database.statements.total - before).toBe(1);
    expect(data._entities).toHaveLength(50);
    expect(data._entities[11].discountTotal.amount).toBe('10.10'); // POS, 51.00 EUR: 5.10 + 5.00
  });

  it('resolves Promotion references in one batch', async () => {
    const reps = DEMO_PROMOTIONS.map((p) => ({ __typename: 'Promotion', id: p.id }));
    const before = database.statements.total;
    const data = expectData(await asCaller(callers.anonymous())(`query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Promotion { id name } } }`, { reps }));
    expect(data._entities.map((p: { id: string }) => p.id)).toEqual(DEMO_PROMOTIONS.map((p) => p.id));
    expect(database.statements.total - before).toBe(1);
  });

  it('lets only admins create promotions', async () => {
    const before = await allPromotionIds();
    const input = { name: 'Sneaky', kind: 'PERCENTAGE_OFF_ORDER', currencyCode: 'EUR', percentOff: 100 };
    const asCustomer = await asCaller(callers.customer(anna.id))(CREATE, { input });
    expect(asCustomer.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const asStaff = await asCaller(callers.staff('staff_x', 'loc_x'))(CREATE, { input });
    expect(asStaff.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const asAnonymous = await asCaller(callers.anonymous())(CREATE, { input });
    expect(asAnonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(await allPromotionIds()).toEqual(before);
  });

  it('reports every invalid field at once and creates nothing', async () => {
    const before = await allPromotionIds();
    const shape = await admin()(CREATE, {
      input: { name: ' ', kind: 'PERCENTAGE_OFF_ORDER', currencyCode: 'EURO', percentOff: 101, channels: ['WEB', 'WEB'] },
    });
    expect(expectData(shape).createPromotion.promotion).toBeNull();
    expect(shape.data?.createPromotion.userErrors.map((e: { code: string; field: string[] }) => [e.code, e.field.join('.')])).toEqual([
      ['INVALID', 'input.name'],
      ['INVALID', 'input.currencyCode'],
      ['INVALID', 'input.percentOff'],
      ['INVALID', 'input.channels'],
    ]);

    const rules = await admin()(CREATE, {
      input: {
        name: 'Broken',
        kind: 'FIXED_AMOUNT_OFF_ORDER',
        currencyCode: 'EUR',
        percentOff: 10,
        amountOff: '0.00',
        minimumSubtotal: '10.001',
        startsAt: '2026-12-01T00:00:00.000Z',
        endsAt: '2026-11-01T00:00:00.000Z',
      },
    });
    expect(rules.data?.createPromotion.userErrors.map((e: { field: string[] }) => e.field.join('.'))).toEqual([
      'input.amountOff',
      'input.percentOff',
      'input.minimumSubtotal',
      'input.endsAt',
    ]);

    const missingValue = await admin()(CREATE, { input: { name: 'No value', kind: 'FIXED_AMOUNT_OFF_ORDER', currencyCode: 'EUR' } });
    expect(missingValue.data?.createPromotion.userErrors).toEqual([
      { code: 'INVALID', field: ['input', 'amountOff'], message: 'is required for a fixed amount promotion' },
    ]);
    expect(await allPromotionIds()).toEqual(before);
  });

  it('creates a promotion that prices carts at once, within its window only', async () => {
    const created = expectData(
      await admin()(CREATE, {
        input: {
          name: '  7.50 USD off in the app  ',
          description: 'App launch offer.',
          kind: 'FIXED_AMOUNT_OFF_ORDER',
          currencyCode: 'USD',
          amountOff: '7.5',
          minimumSubtotal: '20',
          channels: ['MOBILE_APP'],
          startsAt: '2020-01-01T00:00:00.000Z',
        },
      }),
    ).createPromotion;
    expect(created.userErrors).toEqual([]);
    expect(created.promotion).toMatchObject({
      name: '7.50 USD off in the app',
      amountOff: { amount: '7.50', currencyCode: 'USD' },
      minimumSubtotal: { amount: '20.00', currencyCode: 'USD' },
      percentOff: null,
      channels: ['MOBILE_APP'],
      startsAt: '2020-01-01T00:00:00.000Z',
      endsAt: null,
      status: 'ACTIVE',
    });
    expect(created.promotion.id).toMatch(/^promo_[0-9a-z]{26}$/);

    const future = expectData(
      await admin()(CREATE, {
        input: { name: 'Next year', kind: 'PERCENTAGE_OFF_ORDER', currencyCode: 'USD', percentOff: 50, startsAt: '2999-01-01T00:00:00.000Z' },
      }),
    ).createPromotion;
    expect(future.userErrors).toEqual([]);
    const expired = expectData(
      await admin()(CREATE, {
        input: { name: 'Last year', kind: 'PERCENTAGE_OFF_ORDER', currencyCode: 'USD', percentOff: 50, endsAt: '2020-01-01T00:00:00.000Z' },
      }),
    ).createPromotion;
    expect(expired.userErrors).toEqual([]);

    const data = expectData(
      await asCaller(callers.anonymous())(CART_PRICING, { reps: [cart('cart_app', 'MOBILE_APP', '30.00', 'USD'), cart('cart_web_usd', 'WEB', '30.00', 'USD')] }),
    );
    expect(data._entities[0].discounts.map((d: { promotion: { id: string } }) => d.promotion.id)).toEqual([created.promotion.id]);
    expect(data._entities[0].total).toEqual({ amount: '22.50', currencyCode: 'USD' });
    expect(data._entities[1].discounts).toEqual([]);
  });

  it('pauses, reactivates and archives a promotion; archived is final', async () => {
    const created = expectData(
      await admin()(CREATE, { input: { name: 'Flash sale', kind: 'PERCENTAGE_OFF_ORDER', currencyCode: 'GBP', percentOff: 20, status: 'PAUSED' } }),
    ).createPromotion.promotion;
    expect(created.status).toBe('PAUSED');
    const gbpCart = [cart('cart_gbp', 'WEB', '10.00', 'GBP')];
    const priced = async () => expectData(await asCaller(callers.anonymous())(CART_PRICING, { reps: gbpCart }))._entities[0].total.amount;
    expect(await priced()).toBe('10.00');

    const forbidden = await asCaller(callers.customer(anna.id))(SET_STATUS, { input: { promotionId: created.id, status: 'ACTIVE' } });
    expect(forbidden.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await priced()).toBe('10.00');

    const activated = expectData(await admin()(SET_STATUS, { input: { promotionId: created.id, status: 'ACTIVE' } })).setPromotionStatus;
    expect(activated).toEqual({ promotion: { id: created.id, status: 'ACTIVE' }, userErrors: [] });
    expect(await priced()).toBe('8.00');

    const archived = expectData(await admin()(SET_STATUS, { input: { promotionId: created.id, status: 'ARCHIVED' } })).setPromotionStatus;
    expect(archived.promotion.status).toBe('ARCHIVED');
    expect(await priced()).toBe('10.00');

    const revived = expectData(await admin()(SET_STATUS, { input: { promotionId: created.id, status: 'ACTIVE' } })).setPromotionStatus;
    expect(revived).toEqual({ promotion: null, userErrors: [{ code: 'INVALID_STATE', field: ['input', 'status'] }] });
    const stillArchived = expectData(await admin()(`query($id: ID!) { promotion(id: $id) { status } }`, { id: created.id }));
    expect(stillArchived.promotion.status).toBe('ARCHIVED');

    const unknown = expectData(await admin()(SET_STATUS, { input: { promotionId: 'promo_missing', status: 'PAUSED' } })).setPromotionStatus;
    expect(unknown).toEqual({ promotion: null, userErrors: [{ code: 'NOT_FOUND', field: ['input', 'promotionId'] }] });
  });

  it('refuses rows that would give money away even when they bypass the service', async () => {
    const base = { name: 'Raw', currencyCode: 'EUR', status: 'ACTIVE' as const };
    const attempts = [
      { ...base, id: 'promo_raw_1', kind: 'PERCENTAGE_OFF_ORDER' as const, percentOff: 150 },
      { ...base, id: 'promo_raw_2', kind: 'FIXED_AMOUNT_OFF_ORDER' as const, amountOffMinor: -100 },
      { ...base, id: 'promo_raw_3', kind: 'PERCENTAGE_OFF_ORDER' as const, percentOff: 10, amountOffMinor: 100 },
      { ...base, id: 'promo_raw_4', kind: 'PERCENTAGE_OFF_ORDER' as const, percentOff: 10, startsAt: new Date('2026-02-01'), endsAt: new Date('2026-01-01') },
    ];
    for (const row of attempts) {
      await expect(database.db.insert(promotions).values(row)).rejects.toThrow();
    }
    expect((await allPromotionIds()).filter((id) => id.startsWith('promo_raw'))).toEqual([]);
    // The same shape with sane values goes in, so the refusals above are the constraints at work.
    await database.db.insert(promotions).values({ ...base, id: 'promo_raw_ok', kind: 'PERCENTAGE_OFF_ORDER', percentOff: 10 });
    expect((await allPromotionIds()).filter((id) => id.startsWith('promo_raw'))).toEqual(['promo_raw_ok']);
  });
});
