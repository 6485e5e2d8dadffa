import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ServiceCallError, type RunningServer } from '@omni/graphql';
import { callers, createTestDatabase, expectData, signedSubgraphClient, TEST_SIGNING_SECRET, type TestDatabase } from '@omni/testing';
import type { CatalogPort } from '../src/clients/catalog-client';
import type { CustomerPort } from '../src/clients/customer-client';
import { openPromotionsDatabase, type PromotionsDatabase } from '../src/db/database';
import { createPromotionsSubgraph } from '../src/server';

/**
 * Store-scoped and segment-scoped promotions priced from what the cart carries: `Cart.store` and
 * the customer's segments read from the customer subgraph, the same way for `Cart.total` and for
 * checkout's `quoteCart`.
 */
let testDb: TestDatabase;
let database: PromotionsDatabase;
let server: RunningServer;
const id = (prefix: string, tail: string) => `${prefix}_${tail.padStart(26, '0')}`;
const [BERLIN, HAMBURG] = [id('loc', 'berlin'), id('loc', 'hamburg')];
const [FIRST_TIMER, REGULAR] = [id('cus', 'first'), id('cus', 'regular')];

const catalog: CatalogPort = { variantFacts: async () => new Map(), unitPrices: async () => new Map() };
/** Segment answers by customer id; every call is recorded, and `failing` makes the subgraph unreachable. */
const segmentCalls: string[][] = [];
let failing = false;
const SEGMENTS: Record<string, string[]> = { [FIRST_TIMER]: ['FIRST_TIME_BUYER'], [REGULAR]: ['REPEAT_BUYER', 'HIGH_SPENDER'] };
const customers: CustomerPort = {
  async customerSegments(customerIds) {
    segmentCalls.push([...customerIds]);
    if (failing) throw new ServiceCallError('connect ECONNREFUSED');
    return new Map(customerIds.map((customerId) => [customerId, { customerId, kinds: SEGMENTS[customerId] ?? [], engagedProductIds: [] }]));
  },
};

beforeAll(async () => {
  testDb = await createTestDatabase();
  database = await openPromotionsDatabase(testDb.client);
  server = await createPromotionsSubgraph({ database, signingSecret: TEST_SIGNING_SECRET, catalog, customers }).listen(0);
});

afterAll(async () => {
  await server?.stop();
  await testDb?.drop();
});

const as = (caller: Parameters<typeof signedSubgraphClient>[2]) => signedSubgraphClient(server.url, TEST_SIGNING_SECRET, caller);
const CREATE = `mutation($input: CreatePromotionInput!) { createPromotion(input: $input) { promotion { id conditions { type segments } } userErrors { code field message } } }`;
const PRICED = `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Cart {
  total { amount } discountTotal { amount }
  promotionExplanations { promotion { id } status amount { amount } reasons { code locationIds segments } }
} } }`;
const QUOTE = `query($input: CartQuoteInput!) { quoteCart(input: $input) { totalMinor discountTotalMinor discounts { promotionId amountMinor } } }`;

function cart(cartId: string, options: { currencyCode?: string; store?: string | null; customerId?: string | null; channel?: string }) {
  return {
    __typename: 'Cart',
    id: cartId,
    channel: options.channel ?? 'POS',
    subtotal: { amount: '100.00', currencyCode: options.currencyCode ?? 'EUR' },
    couponCodes: [],
    customer: options.customerId ? { id: options.customerId } : null,
    store: options.store ? { id: options.store } : null,
    lines: { totalCount: 1, edges: [{ node: { id: 'line_1', quantity: 1, unitPrice: { amount: '100.00', currencyCode: options.currencyCode ?? 'EUR' }, variant: { id: 'var_1' } } }] },
  };
}
const priceAll = async (reps: object[]) => expectData(await as(callers.admin())(PRICED, { reps }))._entities as Priced[];
const quote = async (input: { currencyCode?: string; locationId?: string | null; customerId?: string | null }) =>
  as(callers.service('cart'))(QUOTE, {
    input: { cartId: 'cart_q', channel: 'POS', currencyCode: 'EUR', lines: [{ lineId: 'line_1', variantId: 'var_1', quantity: 1, unitPriceMinor: 10_000 }], ...input },
  });
interface Priced {
  total: { amount: string };
  promotionExplanations: { promotion: { id: string }; status: string; reasons: { code: string; locationIds: string[] | null; segments: string[] | null }[] }[];
}
const explanationOf = (priced: Priced, promotionId: string) => priced.promotionExplanations.find((explanation) => explanation.promotion.id === promotionId)!;

async function createPromotion(input: object): Promise<string> {
  const payload = expectData(await as(callers.admin())(CREATE, { input })).createPromotion;
  expect(payload.userErrors).toEqual([]);
  return payload.promotion.id;
}

describe('store-scoped promotions', () => {
  let berlinOnly: string;

  beforeAll(async () => {
    berlinOnly = await createPromotion({ name: 'Berlin opening', currencyCode: 'EUR', locationIds: [BERLIN], action: { type: 'ORDER_AMOUNT_OFF', amountOff: '10.00' } });
  });

  it("applies at the cart's store only, explained NOT_AT_LOCATION online and at another store", async () => {
    const [atBerlin, online, atHamburg] = await priceAll([cart('cart_berlin', { store: BERLIN }), cart('cart_web', { store: null, channel: 'WEB' }), cart('cart_hamburg', { store: HAMBURG })]);
    expect(atBerlin!.total.amount).toBe('90.00');
    expect(explanationOf(atBerlin!, berlinOnly).status).toBe('APPLIED');
    for (const elsewhere of [online!, atHamburg!]) {
      expect(elsewhere.total.amount).toBe('100.00');
      expect(explanationOf(elsewhere, berlinOnly)).toMatchObject({ status: 'NOT_APPLIED', reasons: [{ code: 'NOT_AT_LOCATION', locationIds: [BERLIN] }] });
    }
  });

  it("quotes checkout at the cart's store exactly as Cart.total showed it", async () => {
    const atBerlin = expectData(await quote({ locationId: BERLIN })).quoteCart;
    expect(atBerlin).toMatchObject({ totalMinor: 9_000, discounts: [{ promotionId: berlinOnly, amountMinor: 1_000 }] });
    const online = expectData(await quote({ locationId: null })).quoteCart;
    expect(online).toMatchObject({ totalMinor: 10_000, discounts: [] });
  });
});

describe('segment-scoped promotions', () => {
  let firstOrderOff: string;

  it('refuses a segment the customer profile does not compute, pointing at it, and saves nothing', async () => {
    const payload = expectData(
      await as(callers.admin())(CREATE, {
        input: { name: 'VIP', currencyCode: 'USD', conditions: [{ type: 'CUSTOMER_SEGMENT', segments: ['first_time_buyer', 'VIP'] }], action: { type: 'ORDER_PERCENT_OFF', percent: 5 } },
      }),
    ).createPromotion;
    expect(payload.promotion).toBeNull();
    expect(payload.userErrors).toEqual([expect.objectContaining({ code: 'INVALID', field: ['input', 'conditions', '0', 'segments', '1'] })]);
  });

  it('does not ask the customer subgraph while no live promotion of the currency has a segment condition', async () => {
    segmentCalls.length = 0;
    await priceAll([cart('cart_usd', { currencyCode: 'USD', customerId: FIRST_TIMER })]);
    expect(segmentCalls).toEqual([]);
  });

  it("applies to customers in the segment, explains NOT_IN_SEGMENT to others, and asks once for every cart's customer", async () => {
    // USD, so the Berlin promotion above plays no part.
    firstOrderOff = await createPromotion({
      name: 'Thanks for your first order',
      currencyCode: 'USD',
      conditions: [{ type: 'CUSTOMER_SEGMENT', segments: ['FIRST_TIME_BUYER'] }],
      action: { type: 'ORDER_PERCENT_OFF', percent: 15 },
    });
    segmentCalls.length = 0;
    const [first, regular, guest, firstAgain] = await priceAll([
      cart('cart_1', { currencyCode: 'USD', customerId: FIRST_TIMER }),
      cart('cart_2', { currencyCode: 'USD', customerId: REGULAR }),
      cart('cart_3', { currencyCode: 'USD', customerId: null }),
      cart('cart_4', { currencyCode: 'USD', customerId: FIRST_TIMER, channel: 'WEB' }),
    ]);
    expect(first!.total.amount).toBe('85.00');
    expect(firstAgain!.total.amount).toBe('85.00');
    for (const other of [regular!, guest!]) {
      expect(other.total.amount).toBe('100.00');
      expect(explanationOf(other, firstOrderOff)).toMatchObject({ status: 'NOT_APPLIED', reasons: [{ code: 'NOT_IN_SEGMENT', segments: ['FIRST_TIME_BUYER'] }] });
    }
    // One call for the whole request, each customer once; a guest is in no segment and costs nothing.
    expect(segmentCalls).toHaveLength(1);
    expect([...segmentCalls[0]!].sort()).toEqual([FIRST_TIMER, REGULAR].sort());
  });

  it('quotes checkout with the same segments', async () => {
    expect(expectData(await quote({ currencyCode: 'USD', customerId: FIRST_TIMER })).quoteCart).toMatchObject({ totalMinor: 8_500, discounts: [{ promotionId: firstOrderOff, amountMinor: 1_500 }] });
    expect(expectData(await quote({ currencyCode: 'USD', customerId: REGULAR })).quoteCart).toMatchObject({ totalMinor: 10_000, discounts: [] });
  });

  it('fails pricing instead of pricing without segments when the customer subgraph cannot answer', async () => {
    failing = true;
    try {
      const shown = await as(callers.admin())(PRICED, { reps: [cart('cart_down', { currencyCode: 'USD', customerId: FIRST_TIMER })] });
      expect(shown.errors?.length).toBeGreaterThan(0);
      expect((shown.data as { _entities: (Priced | null)[] } | undefined)?._entities?.[0]?.total ?? null).toBeNull();
      const quoted = await quote({ currencyCode: 'USD', customerId: FIRST_TIMER });
      expect(quoted.errors?.length).toBeGreaterThan(0);
      expect(quoted.data).toBeNull();
      // A guest's cart needs no segments, so it still prices.
      expect(expectData(await quote({ currencyCode: 'USD', customerId: null })).quoteCart.totalMinor).toBe(10_000);
    } finally {
      failing = false;
    }
  });
});
