import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asc, eq, inArray, sql } from 'drizzle-orm';
import type { RunningServer } from '@omni/graphql';
import { callers, createTestDatabase, expectData, signedSubgraphClient, TEST_SIGNING_SECRET, type TestDatabase } from '@omni/testing';
import type { CatalogPort } from '../src/clients/catalog-client';
import { openPromotionsDatabase, type PromotionsDatabase } from '../src/db/database';
import { findEnteredCodes } from '../src/db/offer-queries';
import { couponCodes, promotions, promotionUses, usageHolds } from '../src/db/schema';
import { findHoldPreflight } from '../src/db/usage-queries';
import { createPromotionsSubgraph } from '../src/server';

let testDb: TestDatabase;
let database: PromotionsDatabase;
let server: RunningServer;

/** These promotions target the whole order, so the catalog is never asked. */
const noCatalog: CatalogPort = { variantFacts: async () => new Map(), unitPrices: async () => new Map() };

beforeAll(async () => {
  testDb = await createTestDatabase();
  database = await openPromotionsDatabase(testDb.client);
  server = await createPromotionsSubgraph({ database, signingSecret: TEST_SIGNING_SECRET, catalog: noCatalog }).listen(0);
});

afterAll(async () => {
  await server?.stop();
  await testDb?.drop();
});

const admin = () => signedSubgraphClient(server.url, TEST_SIGNING_SECRET, callers.admin());
const cartService = () => signedSubgraphClient(server.url, TEST_SIGNING_SECRET, callers.service('cart'));

const CREATE = `mutation($input: CreatePromotionInput!) { createPromotion(input: $input) { promotion { id } userErrors { code field message } } }`;
const CODES = `mutation($input: CreateCouponCodesInput!) { createCouponCodes(input: $input) { couponCodes { code } userErrors { code field message } } }`;
const QUOTE = `query($input: CartQuoteInput!) { quoteCart(input: $input) { discounts { promotionId amountMinor couponCode } } }`;
const HOLD = `mutation($input: HoldPromotionUsageInput!) { holdPromotionUsage(input: $input) { holdId refused { promotionId reason } } }`;
const CONFIRM = `mutation($input: ConfirmPromotionUsageInput!) { confirmPromotionUsage(input: $input) }`;
const RELEASE = `mutation($input: ReleasePromotionUsageInput!) { releasePromotionUsage(input: $input) }`;

/**
 * Every hold request of a process reaching the limits prunes lapsed holds once in 8 (one
 * statement), so holds are measured 8 at a time: each batch pays for exactly one prune.
 */
const HOLDS_PER_BATCH = 8;

async function createPromotion(input: Record<string, unknown>): Promise<string> {
  const payload = expectData(await admin()(CREATE, { input })).createPromotion;
  expect(payload.userErrors).toEqual([]);
  return payload.promotion.id;
}

async function statementsOf<T>(run: () => Promise<T>): Promise<{ statements: number; result: T }> {
  const before = database.statements.total;
  const result = await run();
  return { statements: database.statements.total - before, result };
}

interface Checkout {
  currencyCode: string;
  customerId: string | null;
  couponCodes: string[];
}

/** Statements of a quote, of 8 holds of what it gave and of their 8 confirmations, for carts of `lineCount` lines. */
async function checkoutStatements(checkout: Checkout, lineCount: number, tag: string) {
  const input = {
    cartId: `cart_${tag}`,
    channel: 'WEB',
    customerId: checkout.customerId,
    currencyCode: checkout.currencyCode,
    couponCodes: checkout.couponCodes,
    lines: Array.from({ length: lineCount }, (_, i) => ({ lineId: `line_${i}`, variantId: `var_${i}`, quantity: 1, unitPriceMinor: 10_000 })),
  };
  const quote = await statementsOf(async () => expectData(await cartService()(QUOTE, { input })).quoteCart);
  const uses = quote.result.discounts.map((discount: { promotionId: string; amountMinor: number; couponCode: string | null }) => ({
    promotionId: discount.promotionId,
    couponCode: discount.couponCode,
    discountMinor: discount.amountMinor,
  }));
  const holdIds: string[] = [];
  const holds = await statementsOf(async () => {
    for (let i = 0; i < HOLDS_PER_BATCH; i += 1) {
      const held = expectData(await cartService()(HOLD, { input: { holdKey: `${input.cartId}:${i}`, customerId: checkout.customerId, uses } })).holdPromotionUsage;
      expect(held.refused).toEqual([]);
      holdIds.push(held.holdId);
    }
  });
  const confirms = await statementsOf(async () => {
    for (const holdId of holdIds) expect(expectData(await cartService()(CONFIRM, { input: { holdId, orderId: `ord_${holdId}` } })).confirmPromotionUsage).toBe(true);
  });
  return { discounts: uses.length, quote: quote.statements, holds: holds.statements, confirms: confirms.statements };
}

describe('statements of a checkout', () => {
  it('prices, holds and confirms with automatic promotions without limits in 1, 2 and 1 statements, whatever the lines', async () => {
    await createPromotion({ name: 'Ten off, NOK', kind: 'PERCENTAGE_OFF_ORDER', percentOff: 10, currencyCode: 'NOK' });
    await createPromotion({ name: 'Five off, NOK', kind: 'FIXED_AMOUNT_OFF_ORDER', amountOff: '5.00', currencyCode: 'NOK' });
    const guest: Checkout = { currencyCode: 'NOK', customerId: null, couponCodes: [] };
    const one = await checkoutStatements(guest, 1, 'nok_1');
    const five = await checkoutStatements(guest, 5, 'nok_5');
    expect(one.discounts).toBe(2);
    // The live promotions; the key, the promotions and the uses inserted with the hold (and one prune per batch); the confirmation.
    expect(one).toEqual({ discounts: 2, quote: 1, holds: HOLDS_PER_BATCH * 2 + 1, confirms: HOLDS_PER_BATCH });
    expect(five).toEqual(one);
  });

  it('does not grow with the lines or the uses when promotions and codes have limits', async () => {
    const limited = await createPromotion({ name: 'Limited, SEK', kind: 'PERCENTAGE_OFF_ORDER', percentOff: 10, currencyCode: 'SEK', usageLimit: 1_000, usageLimitPerCustomer: 100 });
    const coded = await createPromotion({ name: 'Code, SEK', currencyCode: 'SEK', requiresCoupon: true, budget: '100000.00', action: { type: 'ORDER_AMOUNT_OFF', amountOff: '5.00' } });
    expect(expectData(await admin()(CODES, { input: { promotionId: coded, codes: ['SEK-FIVE'], usageLimitPerCode: 1_000 } })).createCouponCodes.userErrors).toEqual([]);
    const customer: Checkout = { currencyCode: 'SEK', customerId: 'cust_sek', couponCodes: ['sek-five'] };
    const one = await checkoutStatements(customer, 1, 'sek_1');
    const five = await checkoutStatements(customer, 5, 'sek_5');
    expect(one.discounts).toBe(2);
    expect(five).toEqual(one);
    // Live promotions, the entered codes with their uses, the customer's uses.
    expect(one.quote).toBe(3);
    // Key, promotions and codes; promotion locks; code locks; counts and the key after the locks; the insert.
    expect(one.holds).toBe(HOLDS_PER_BATCH * 5 + 1);
    expect(one.confirms).toBe(HOLDS_PER_BATCH);

    // Five limited promotions in one hold cost what one does.
    const more = [limited];
    for (let i = 0; i < 4; i += 1) more.push(await createPromotion({ name: `Limited ${i}, SEK`, kind: 'PERCENTAGE_OFF_ORDER', percentOff: 1, currencyCode: 'SEK', usageLimit: 1_000 }));
    const holdOf = async (promotionIds: string[], tag: string) => {
      const { statements } = await statementsOf(async () => {
        for (let i = 0; i < HOLDS_PER_BATCH; i += 1) {
          const uses = promotionIds.map((promotionId) => ({ promotionId, discountMinor: 100 }));
          expect(expectData(await cartService()(HOLD, { input: { holdKey: `${tag}:${i}`, customerId: 'cust_sek', uses } })).holdPromotionUsage.holdId).not.toBeNull();
        }
      });
      return statements;
    };
    expect(await holdOf(more, 'many')).toBe(await holdOf([limited], 'single'));
  });

  it('releases a pending hold with its uses in one statement', async () => {
    const id = await createPromotion({ name: 'Released, PLN', kind: 'PERCENTAGE_OFF_ORDER', percentOff: 10, currencyCode: 'PLN', usageLimit: 1 });
    const holdId = expectData(await cartService()(HOLD, { input: { holdKey: 'pln:1', uses: [{ promotionId: id, discountMinor: 100 }] } })).holdPromotionUsage.holdId;
    const released = await statementsOf(async () => expectData(await cartService()(RELEASE, { input: { holdId } })).releasePromotionUsage);
    expect(released).toEqual({ statements: 1, result: true });
    const uses = await database.db.select({ status: promotionUses.status }).from(promotionUses).where(eq(promotionUses.holdId, holdId));
    expect(uses).toEqual([{ status: 'RELEASED' }]);
    // The use is free again.
    expect(expectData(await cartService()(HOLD, { input: { holdKey: 'pln:2', uses: [{ promotionId: id, discountMinor: 100 }] } })).holdPromotionUsage.holdId).not.toBeNull();
  });

  it('marks lapsed holds and their uses EXPIRED in the prune', async () => {
    const id = await createPromotion({ name: 'Pruned, DKK', kind: 'PERCENTAGE_OFF_ORDER', percentOff: 10, currencyCode: 'DKK', usageLimit: 100 });
    const holdIds: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      holdIds.push(expectData(await cartService()(HOLD, { input: { holdKey: `dkk:${i}`, uses: [{ promotionId: id, discountMinor: 100 }] } })).holdPromotionUsage.holdId);
    }
    const past = sql`clock_timestamp() - interval '1 second'`;
    await database.db.update(usageHolds).set({ expiresAt: past }).where(inArray(usageHolds.id, holdIds));
    await database.db.update(promotionUses).set({ expiresAt: past }).where(inArray(promotionUses.holdId, holdIds));
    // Within 8 more hold requests one prunes.
    for (let i = 0; i < HOLDS_PER_BATCH; i += 1) await cartService()(HOLD, { input: { holdKey: `dkk:next:${i}`, uses: [] } });
    const holds = await database.db.select({ status: usageHolds.status }).from(usageHolds).where(inArray(usageHolds.id, holdIds));
    expect(holds.map((hold) => hold.status)).toEqual(['EXPIRED', 'EXPIRED', 'EXPIRED']);
    const uses = await database.db.select({ status: promotionUses.status }).from(promotionUses).where(inArray(promotionUses.holdId, holdIds));
    expect(uses.map((use) => use.status)).toEqual(['EXPIRED', 'EXPIRED', 'EXPIRED']);
  });
});

describe('rows of the prepared checkout reads', () => {
  it('give entered codes as drizzle maps the code and its personal promotion', async () => {
    const { db } = database;
    const shared = await createPromotion({ name: 'Shared code, CHF', currencyCode: 'CHF', requiresCoupon: true, action: { type: 'ORDER_AMOUNT_OFF', amountOff: '1.00' } });
    expectData(await admin()(CODES, { input: { promotionId: shared, codes: ['CHF-ONE', 'CHF-ANY'], usageLimitPerCode: 2 } }));
    await db.update(couponCodes).set({ usageLimit: null }).where(eq(couponCodes.code, 'CHF-ANY'));
    // A personal offer's promotion and code, as issuing stores them.
    const personalId = await createPromotion({ name: 'Personal, CHF', currencyCode: 'CHF', requiresCoupon: true, action: { type: 'ORDER_AMOUNT_OFF', amountOff: '2.00' } });
    expect(expectData(await admin()(CODES, { input: { promotionId: personalId, codes: ['CHF-MINE'], usageLimitPerCode: 1 } })).createCouponCodes.userErrors).toEqual([]);
    await db.update(promotions).set({ ownerCustomerId: 'cust_chf', usageLimit: 1 }).where(eq(promotions.id, personalId));
    const held = expectData(
      await cartService()(HOLD, { input: { holdKey: 'chf:1', customerId: 'cust_chf', uses: [{ promotionId: personalId, couponCode: 'CHF-MINE', discountMinor: 200 }, { promotionId: shared, couponCode: 'CHF-ONE', discountMinor: 100 }] } }),
    ).holdPromotionUsage;
    expect(held.refused).toEqual([]);

    const rows = (await findEnteredCodes(db, ['CHF-ONE', 'CHF-ANY', 'CHF-MINE', 'CHF-NONE'])).sort((a, b) => a.code.localeCompare(b.code));
    const codeRows = await db.select().from(couponCodes).where(inArray(couponCodes.code, ['CHF-ANY', 'CHF-MINE', 'CHF-ONE'])).orderBy(asc(couponCodes.code));
    const [personal] = await db.select().from(promotions).where(eq(promotions.id, personalId));
    expect(rows).toEqual([
      { ...codeRows[0], uses: 0, personalPromotion: null },
      { ...codeRows[1], uses: 1, personalPromotion: { ...personal, heldUses: 1, heldMinor: 200 } },
      { ...codeRows[2], uses: 1, personalPromotion: null },
    ]);
    expect(rows[1]!.personalPromotion!.createdAt).toBeInstanceOf(Date);
    expect(rows[1]!.createdAt).toBeInstanceOf(Date);

    const preflight = await findHoldPreflight(db, 'cart', 'chf:1', [shared, personalId, 'promo_missing'], ['CHF-ANY', 'CHF-MINE', 'CHF-NONE']);
    expect(preflight).toEqual({
      liveHoldId: held.holdId,
      lapsedPending: false,
      knownPromotionIds: expect.arrayContaining([shared, personalId]),
      limitedPromotionIds: [personalId],
      unlimitedCodes: ['CHF-ANY'],
    });
    expect(preflight.knownPromotionIds).toHaveLength(2);
    expect(await findHoldPreflight(db, 'cart', 'chf:none', [], [])).toEqual({ liveHoldId: null, lapsedPending: false, knownPromotionIds: [], limitedPromotionIds: [], unlimitedCodes: [] });
  });
});
