import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PROMOTIONS } from '@omni/demo-data';
import type { RunningServer } from '@omni/graphql';
import { callers, createTestDatabase, expectData, signedSubgraphClient, TEST_SIGNING_SECRET, type TestDatabase } from '@omni/testing';
import type { CatalogPort } from '../src/clients/catalog-client';
import { openPromotionsDatabase, type PromotionsDatabase } from '../src/db/database';
import { createPromotionsSubgraph } from '../src/server';
import { seedPromotionsDemoData } from '../src/seed';

/**
 * `Cart.lineDiscounts`, `Cart.promotionExplanations` and `Cart.unmatchedCouponCodes`: the engine's
 * answer for the cart the gateway sends, with its lines.
 */
let testDb: TestDatabase;
let database: PromotionsDatabase;
let server: RunningServer;
const catalogCalls: string[][] = [];
const catalog: CatalogPort = {
  async variantFacts(ids) {
    catalogCalls.push([...ids]);
    return new Map(ids.map((id) => [id, { variantId: id, productId: `prod_${id.slice(4)}`, categoryIds: ['cat_all'] }]));
  },
  unitPrices: async () => new Map(),
};
const [tenPercent, posFiveOff] = DEMO_PROMOTIONS as [(typeof DEMO_PROMOTIONS)[number], (typeof DEMO_PROMOTIONS)[number]];

beforeAll(async () => {
  testDb = await createTestDatabase();
  database = await openPromotionsDatabase(testDb.client);
  await seedPromotionsDemoData(database.db);
  server = await createPromotionsSubgraph({ database, signingSecret: TEST_SIGNING_SECRET, catalog }).listen(0);
});

afterAll(async () => {
  await server?.stop();
  await testDb?.drop();
});

const anonymous = () => signedSubgraphClient(server.url, TEST_SIGNING_SECRET, callers.anonymous());

const EXPLAINED = `query($reps: [_Any!]!) {
  _entities(representations: $reps) {
    ... on Cart {
      id total { amount } discountTotal { amount }
      lineDiscounts { lineId amount { amount currencyCode } total { amount } allocations { promotion { id } amount { amount } } }
      promotionExplanations {
        promotion { id } status amount { amount } couponCode
        reasons { code message amountMissing { amount currencyCode } channels excludedBy { id } couponCode }
      }
      unmatchedCouponCodes { code reason }
    }
  }
}`;

interface Line {
  id: string;
  quantity: number;
  price: string;
}
function cart(id: string, channel: string, lines: Line[], options: { couponCodes?: string[]; totalCount?: number; subtotal?: string } = {}) {
  const subtotalMinor = lines.reduce((sum, line) => sum + line.quantity * Math.round(Number(line.price) * 100), 0);
  return {
    __typename: 'Cart',
    id,
    channel,
    subtotal: { amount: options.subtotal ?? (subtotalMinor / 100).toFixed(2), currencyCode: 'EUR' },
    couponCodes: options.couponCodes ?? [],
    customer: null,
    lines: {
      totalCount: options.totalCount ?? lines.length,
      edges: lines.map((line) => ({ node: { id: line.id, quantity: line.quantity, unitPrice: { amount: line.price, currencyCode: 'EUR' }, variant: { id: `var_${line.id}` } } })),
    },
  };
}

describe('Cart pricing explained', () => {
  it('shows each line its share of every promotion, and why the POS promotion does not apply on the web', async () => {
    const rep = cart('cart_web', 'WEB', [
      { id: 'line_a', quantity: 1, price: '89.97' },
      { id: 'line_b', quantity: 3, price: '10.01' },
    ]);
    const [priced] = expectData(await anonymous()(EXPLAINED, { reps: [rep] }))._entities;
    expect(priced.total.amount).toBe('108.00');
    expect(priced.lineDiscounts).toEqual([
      { lineId: 'line_a', amount: { amount: '9.00', currencyCode: 'EUR' }, total: { amount: '80.97' }, allocations: [{ promotion: { id: tenPercent.id }, amount: { amount: '9.00' } }] },
      { lineId: 'line_b', amount: { amount: '3.00', currencyCode: 'EUR' }, total: { amount: '27.03' }, allocations: [{ promotion: { id: tenPercent.id }, amount: { amount: '3.00' } }] },
    ]);
    expect(priced.promotionExplanations).toEqual([
      { promotion: { id: tenPercent.id }, status: 'APPLIED', amount: { amount: '12.00' }, couponCode: null, reasons: [] },
      {
        promotion: { id: posFiveOff.id },
        status: 'NOT_APPLIED',
        amount: null,
        couponCode: null,
        reasons: [{ code: 'NOT_IN_CHANNEL', message: 'The promotion runs only in POS.', amountMissing: null, channels: ['POS'], excludedBy: null, couponCode: null }],
      },
    ]);
    expect(priced.unmatchedCouponCodes).toEqual([]);
  });

  it('tells the cashier how much is missing to reach a minimum, and lists codes that unlocked nothing', async () => {
    const rep = cart('cart_small', 'POS', [{ id: 'line_a', quantity: 2, price: '12.50' }], { couponCodes: [' welcome10 '] });
    const [priced] = expectData(await anonymous()(EXPLAINED, { reps: [rep] }))._entities;
    expect(priced.discountTotal.amount).toBe('0.00');
    expect(priced.promotionExplanations.map((e: { reasons: { code: string; amountMissing: unknown; message: string }[] }) => e.reasons[0])).toEqual([
      expect.objectContaining({ code: 'MIN_SUBTOTAL_NOT_MET', amountMissing: { amount: '25.00', currencyCode: 'EUR' }, message: 'Add 25.00 EUR to reach the minimum of the promotion.' }),
      expect.objectContaining({ code: 'MIN_SUBTOTAL_NOT_MET', amountMissing: { amount: '5.00', currencyCode: 'EUR' } }),
    ]);
    expect(priced.unmatchedCouponCodes).toEqual([{ code: 'WELCOME10', reason: 'COUPON_UNKNOWN' }]);
  });

  it('prices lines beyond those listed with the whole subtotal, and never shows them as a line', async () => {
    const rep = cart('cart_big', 'WEB', [{ id: 'line_a', quantity: 1, price: '40.00' }], { totalCount: 150, subtotal: '140.00' });
    const [priced] = expectData(await anonymous()(EXPLAINED, { reps: [rep] }))._entities;
    expect(priced.discountTotal.amount).toBe('14.00');
    expect(priced.lineDiscounts.map((line: { lineId: string }) => line.lineId)).toEqual(['line_a']);
  });

  it('refuses lines that add up to more than the subtotal', async () => {
    const rep = cart('cart_bad', 'WEB', [{ id: 'line_a', quantity: 1, price: '40.00' }], { subtotal: '30.00' });
    const response = await anonymous()(EXPLAINED, { reps: [rep] });
    expect(response.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('asks the catalog nothing while no promotion targets products or categories', async () => {
    catalogCalls.length = 0;
    const reps = [cart('cart_1', 'WEB', [{ id: 'line_a', quantity: 1, price: '60.00' }]), cart('cart_2', 'POS', [{ id: 'line_b', quantity: 1, price: '60.00' }])];
    expectData(await anonymous()(EXPLAINED, { reps }));
    expect(catalogCalls).toEqual([]);
  });
});
