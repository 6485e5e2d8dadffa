import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Caller } from '@omni/auth';
import type { RunningServer } from '@omni/graphql';
import { callers, createTestDatabase, expectData, onPostgresServer, signedSubgraphClient, TEST_SIGNING_SECRET, type TestDatabase } from '@omni/testing';
import type { CatalogPort } from '../src/clients/catalog-client';
import { openPromotionsDatabase, type PromotionsDatabase } from '../src/db/database';
import { promotionUses, usageHolds } from '../src/db/schema';
import { createPromotionsSubgraph } from '../src/server';

let testDb: TestDatabase;
let database: PromotionsDatabase;
let server: RunningServer;

/** These promotions target the whole order, so the catalog is never asked. */
const noCatalog: CatalogPort = { variantFacts: async () => new Map(), unitPrices: async () => new Map() };

beforeAll(async () => {
  // Concurrency below is real: 10 connections let transactions overlap and queue on row locks.
  testDb = await createTestDatabase({ maxConnections: 10 });
  database = await openPromotionsDatabase(testDb.client);
  server = await createPromotionsSubgraph({ database, signingSecret: TEST_SIGNING_SECRET, catalog: noCatalog }).listen(0);
});

afterAll(async () => {
  await server?.stop();
  await testDb?.drop();
});

const asCaller = (caller: Caller) => signedSubgraphClient(server.url, TEST_SIGNING_SECRET, caller);
const admin = () => asCaller(callers.admin());
const cartService = () => asCaller(callers.service('cart'));

const CREATE = `mutation($input: CreatePromotionInput!) {
  createPromotion(input: $input) {
    promotion { id usageLimit usageLimitPerCustomer budget { amount currencyCode } timesUsed budgetUsed { amount currencyCode } }
    userErrors { code field message }
  }
}`;
const HOLD = `mutation($input: HoldPromotionUsageInput!) {
  holdPromotionUsage(input: $input) { holdId refused { promotionId couponCode reason } }
}`;
const CONFIRM = `mutation($input: ConfirmPromotionUsageInput!) { confirmPromotionUsage(input: $input) }`;
const RELEASE = `mutation($input: ReleasePromotionUsageInput!) { releasePromotionUsage(input: $input) }`;
const USAGE = `query($id: ID!) { promotion(id: $id) { timesUsed budgetUsed { amount } } }`;

interface Hold {
  holdId: string | null;
  refused: { promotionId: string; couponCode: string | null; reason: string }[];
}

async function createPromotion(input: Record<string, unknown>): Promise<string> {
  const payload = expectData(await admin()(CREATE, { input: { kind: 'PERCENTAGE_OFF_ORDER', percentOff: 10, currencyCode: 'EUR', ...input } })).createPromotion;
  expect(payload.userErrors).toEqual([]);
  return payload.promotion.id;
}

async function hold(input: { holdKey: string; customerId?: string | null; uses: { promotionId: string; couponCode?: string | null; discountMinor: number }[] }): Promise<Hold> {
  return expectData(await cartService()(HOLD, { input })).holdPromotionUsage;
}

const use = (promotionId: string, discountMinor = 100) => ({ promotionId, discountMinor });
const confirm = async (holdId: string, orderId: string): Promise<boolean> => expectData(await cartService()(CONFIRM, { input: { holdId, orderId } })).confirmPromotionUsage;
const release = async (holdId: string): Promise<boolean> => expectData(await cartService()(RELEASE, { input: { holdId } })).releasePromotionUsage;
const usage = async (id: string) => expectData(await admin()(USAGE, { id })).promotion;

/** Uses of a promotion that count now: confirmed, or pending and not lapsed. */
async function countedUses(promotionId: string): Promise<{ uses: number; minor: number }> {
  const [row] = await database.db
    .select({ uses: sql<number>`count(*)`.mapWith(Number), minor: sql<number>`coalesce(sum(${promotionUses.discountMinor}), 0)`.mapWith(Number) })
    .from(promotionUses)
    .where(
      and(
        eq(promotionUses.promotionId, promotionId),
        sql`(${promotionUses.status} = 'CONFIRMED' or (${promotionUses.status} = 'PENDING' and ${promotionUses.expiresAt} > clock_timestamp()))`,
      ),
    );
  return row!;
}

/** Makes holds lapse as if their 10 minutes had passed. */
async function lapse(holdIds: string[]): Promise<void> {
  const past = sql`clock_timestamp() - interval '1 second'`;
  await database.db.update(usageHolds).set({ expiresAt: past }).where(inArray(usageHolds.id, holdIds));
  await database.db.update(promotionUses).set({ expiresAt: past }).where(inArray(promotionUses.holdId, holdIds));
}

const QUOTE = `query($input: CartQuoteInput!) { quoteCart(input: $input) { discounts { promotionId amountMinor } } }`;
async function quotedPromotionIds(currencyCode: string, customerId: string | null = null): Promise<string[]> {
  const input = {
    cartId: 'cart_usage',
    channel: 'WEB',
    customerId,
    currencyCode,
    lines: [{ lineId: 'line_1', variantId: 'var_1', quantity: 1, unitPriceMinor: 10_000 }],
  };
  const data = expectData(await cartService()(QUOTE, { input }));
  return data.quoteCart.discounts.map((discount: { promotionId: string }) => discount.promotionId);
}

describe('usage limits on promotions', () => {
  it('validates limits and budget with field paths, and creates nothing when refused', async () => {
    const refused = expectData(
      await admin()(CREATE, {
        input: { name: 'Bad limits', kind: 'PERCENTAGE_OFF_ORDER', percentOff: 10, currencyCode: 'EUR', usageLimit: 0, usageLimitPerCustomer: -1, budget: '10.001' },
      }),
    ).createPromotion;
    expect(refused.promotion).toBeNull();
    expect(refused.userErrors.map((e: { code: string; field: string[] }) => [e.code, e.field.join('.')])).toEqual([
      ['INVALID', 'input.usageLimit'],
      ['INVALID', 'input.usageLimitPerCustomer'],
    ]);
    const budget = expectData(await admin()(CREATE, { input: { name: 'Zero budget', kind: 'PERCENTAGE_OFF_ORDER', percentOff: 10, currencyCode: 'JPY', budget: '0' } }))
      .createPromotion;
    expect(budget.userErrors).toEqual([{ code: 'INVALID', field: ['input', 'budget'], message: 'must be greater than zero' }]);
    const fraction = expectData(await admin()(CREATE, { input: { name: 'Yen cents', kind: 'PERCENTAGE_OFF_ORDER', percentOff: 10, currencyCode: 'JPY', budget: '10.5' } }))
      .createPromotion;
    expect(fraction.userErrors.map((e: { field: string[] }) => e.field.join('.'))).toEqual(['input.budget']);
  });

  it('shows the limits and counts only confirmed uses as used', async () => {
    const created = expectData(
      await admin()(CREATE, {
        input: { name: 'Limited', kind: 'PERCENTAGE_OFF_ORDER', percentOff: 10, currencyCode: 'EUR', usageLimit: 100, usageLimitPerCustomer: 2, budget: '5000' },
      }),
    ).createPromotion;
    expect(created.promotion).toMatchObject({
      usageLimit: 100,
      usageLimitPerCustomer: 2,
      budget: { amount: '5000.00', currencyCode: 'EUR' },
      timesUsed: 0,
      budgetUsed: { amount: '0.00', currencyCode: 'EUR' },
    });
    const id = created.promotion.id;
    const held = await hold({ holdKey: 'cart_a:key_1', customerId: 'cust_a', uses: [{ promotionId: id, couponCode: 'WELCOME', discountMinor: 1_250 }] });
    expect(held.refused).toEqual([]);
    expect(held.holdId).toMatch(/^phold_/);
    expect(await usage(id)).toEqual({ timesUsed: 0, budgetUsed: { amount: '0.00' } });

    expect(await confirm(held.holdId!, 'ord_1')).toBe(true);
    expect(await confirm(held.holdId!, 'ord_1')).toBe(true);
    expect(await confirm(held.holdId!, 'ord_other')).toBe(false);
    expect(await release(held.holdId!)).toBe(false);
    expect(await usage(id)).toEqual({ timesUsed: 1, budgetUsed: { amount: '12.50' } });
    const [stored] = await database.db.select().from(promotionUses).where(eq(promotionUses.holdId, held.holdId!));
    expect(stored).toMatchObject({ couponCode: 'WELCOME', customerId: 'cust_a', status: 'CONFIRMED' });
  });

  it('lets only our services hold, confirm and release', async () => {
    const id = await createPromotion({ name: 'Internal only', usageLimit: 1 });
    const input = { holdKey: 'k', uses: [use(id)] };
    for (const caller of [callers.customer('cust_x'), callers.admin(), callers.anonymous()]) {
      const response = await asCaller(caller)(HOLD, { input });
      expect(response.errors?.[0]?.extensions?.code).toMatch(/FORBIDDEN|UNAUTHENTICATED/);
      const confirmed = await asCaller(caller)(CONFIRM, { input: { holdId: 'phold_x', orderId: 'ord_x' } });
      expect(confirmed.errors?.[0]?.extensions?.code).toMatch(/FORBIDDEN|UNAUTHENTICATED/);
    }
    expect(await countedUses(id)).toEqual({ uses: 0, minor: 0 });
    const unknown = await cartService()(HOLD, { input: { holdKey: 'k2', uses: [use('promo_missing')] } });
    expect(unknown.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const negative = await cartService()(HOLD, { input: { holdKey: 'k3', uses: [use(id, -1)] } });
    expect(negative.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('returns the same hold for the same key and holds nothing more', async () => {
    const id = await createPromotion({ name: 'Replayed', usageLimit: 5 });
    const first = await hold({ holdKey: 'cart_r:key', customerId: 'cust_r', uses: [use(id, 300)] });
    const replay = await hold({ holdKey: 'cart_r:key', customerId: 'cust_r', uses: [use(id, 300)] });
    expect(replay).toEqual(first);
    expect(await countedUses(id)).toEqual({ uses: 1, minor: 300 });
    expect(await confirm(first.holdId!, 'ord_r')).toBe(true);
    expect(await hold({ holdKey: 'cart_r:key', customerId: 'cust_r', uses: [use(id, 300)] })).toEqual(first);
    expect(await countedUses(id)).toEqual({ uses: 1, minor: 300 });
  });

  it('holds all uses or none, lists every refused use, and frees a use on release', async () => {
    const spent = await createPromotion({ name: 'One use', usageLimit: 1 });
    const free = await createPromotion({ name: 'One use too', usageLimit: 1 });
    const first = await hold({ holdKey: 'cart_1:a', uses: [use(spent)] });
    expect(first.holdId).not.toBeNull();

    const refused = await hold({ holdKey: 'cart_2:a', uses: [{ promotionId: spent, couponCode: 'A', discountMinor: 1 }, use(free), { promotionId: spent, couponCode: 'B', discountMinor: 1 }] });
    expect(refused).toEqual({
      holdId: null,
      refused: [
        { promotionId: spent, couponCode: 'A', reason: 'USAGE_LIMIT_REACHED' },
        { promotionId: spent, couponCode: 'B', reason: 'USAGE_LIMIT_REACHED' },
      ],
    });
    expect(await countedUses(free)).toEqual({ uses: 0, minor: 0 });

    expect(await release(first.holdId!)).toBe(true);
    expect(await release(first.holdId!)).toBe(true);
    expect(await release('phold_unknown')).toBe(true);
    expect(await confirm(first.holdId!, 'ord_late')).toBe(true); // still fits: nobody took the use meanwhile
    expect(await release(first.holdId!)).toBe(false);
    expect(await countedUses(spent)).toEqual({ uses: 1, minor: 100 });
  });

  it('limits each customer, never guests', async () => {
    const id = await createPromotion({ name: 'Once each', usageLimitPerCustomer: 1 });
    expect((await hold({ holdKey: 'c1:a', customerId: 'cust_1', uses: [use(id)] })).holdId).not.toBeNull();
    expect(await hold({ holdKey: 'c1:b', customerId: 'cust_1', uses: [use(id)] })).toEqual({
      holdId: null,
      refused: [{ promotionId: id, couponCode: null, reason: 'CUSTOMER_USAGE_LIMIT_REACHED' }],
    });
    expect((await hold({ holdKey: 'c2:a', customerId: 'cust_2', uses: [use(id)] })).holdId).not.toBeNull();
    expect((await hold({ holdKey: 'g:a', customerId: null, uses: [use(id)] })).holdId).not.toBeNull();
    expect((await hold({ holdKey: 'g:b', customerId: null, uses: [use(id)] })).holdId).not.toBeNull();
  });

  it('keeps the discount given within the budget', async () => {
    const id = await createPromotion({ name: 'Budget 10.00', budget: '10.00' });
    expect((await hold({ holdKey: 'b:1', uses: [use(id, 600)] })).holdId).not.toBeNull();
    expect((await hold({ holdKey: 'b:2', uses: [use(id, 401)] })).refused).toEqual([{ promotionId: id, couponCode: null, reason: 'BUDGET_EXHAUSTED' }]);
    expect((await hold({ holdKey: 'b:3', uses: [use(id, 400)] })).holdId).not.toBeNull();
    expect(await countedUses(id)).toEqual({ uses: 2, minor: 1_000 });
  });

  it('lets a hold lapse: its use stops counting, its key holds anew, and confirming it late checks the limit again', async () => {
    const id = await createPromotion({ name: 'Lapsing', usageLimit: 1 });
    const lapsing = await hold({ holdKey: 'cart_l:key', uses: [use(id)] });
    expect((await hold({ holdKey: 'cart_m:key', uses: [use(id)] })).holdId).toBeNull();
    await lapse([lapsing.holdId!]);

    const taker = await hold({ holdKey: 'cart_m:key', uses: [use(id)] });
    expect(taker.holdId).not.toBeNull();
    expect(await confirm(lapsing.holdId!, 'ord_l')).toBe(false);
    expect(await countedUses(id)).toEqual({ uses: 1, minor: 100 });

    expect(await release(taker.holdId!)).toBe(true);
    const again = await hold({ holdKey: 'cart_l:key', uses: [use(id)] });
    expect(again.holdId).not.toBeNull();
    expect(again.holdId).not.toBe(lapsing.holdId);
    expect(await release(lapsing.holdId!)).toBe(true);
    const [old] = await database.db.select().from(usageHolds).where(eq(usageHolds.id, lapsing.holdId!));
    expect(old!.status).toBe('EXPIRED');
  });

  it('prices without a promotion once its uses or budget are spent, and without one the customer used up', async () => {
    const byUses = await createPromotion({ name: 'Two uses', currencyCode: 'SEK', usageLimit: 2 });
    const byCustomer = await createPromotion({ name: 'Once per customer', currencyCode: 'SEK', usageLimitPerCustomer: 1 });
    const byBudget = await createPromotion({ name: 'Small budget', currencyCode: 'SEK', budget: '15.00' });
    expect(await quotedPromotionIds('SEK', 'cust_p')).toEqual([byUses, byCustomer, byBudget]);

    const pending = await hold({ holdKey: 'p:1', customerId: 'cust_p', uses: [use(byUses), use(byCustomer), use(byBudget, 1_500)] });
    expect(pending.holdId).not.toBeNull();
    expect(await quotedPromotionIds('SEK', 'cust_p')).toEqual([byUses]);
    expect(await quotedPromotionIds('SEK', 'cust_q')).toEqual([byUses, byCustomer]);
    expect((await hold({ holdKey: 'p:2', customerId: 'cust_q', uses: [use(byUses)] })).holdId).not.toBeNull();
    expect(await quotedPromotionIds('SEK', 'cust_q')).toEqual([byCustomer]);

    await release(pending.holdId!);
    expect(await quotedPromotionIds('SEK', 'cust_p')).toEqual([byUses, byCustomer, byBudget]);
  });

  it('shows Cart.discounts without spent promotions, every cart of a request priced in two statements', async () => {
    const byUses = await createPromotion({ name: 'One use, NOK', currencyCode: 'NOK', usageLimit: 1 });
    const byCustomer = await createPromotion({ name: 'Once each, NOK', currencyCode: 'NOK', usageLimitPerCustomer: 1 });
    const unlimited = await createPromotion({ name: 'Always, NOK', currencyCode: 'NOK' });
    expect((await hold({ holdKey: 'nok:1', customerId: 'cust_n0', uses: [use(byUses), use(byCustomer)] })).holdId).not.toBeNull();

    const reps = Array.from({ length: 30 }, (_, i) => {
      const line = { id: `line_n${i}`, quantity: 1, unitPrice: { amount: '100.00', currencyCode: 'NOK' }, variant: { id: 'var_n' } };
      const customer = i % 3 === 2 ? null : { id: `cust_n${i}` };
      return { __typename: 'Cart', id: `cart_n${i}`, channel: 'WEB', subtotal: { amount: '100.00', currencyCode: 'NOK' }, couponCodes: [], customer, lines: { totalCount: 1, edges: [{ node: line }] } };
    });
    const before = database.statements.total;
    const data = expectData(
      await asCaller(callers.anonymous())(`query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Cart { id discounts { promotion { id } } } } }`, { reps }),
    );
    expect(database.statements.total - before).toBe(2);
    const shown = data._entities.map((cart: { discounts: { promotion: { id: string } }[] }) => cart.discounts.map((d) => d.promotion.id));
    expect(shown[0]).toEqual([unlimited]);
    expect(shown[1]).toEqual([byCustomer, unlimited]);
    expect(shown[2]).toEqual([byCustomer, unlimited]);
  });
});

describe.skipIf(!onPostgresServer())('usage holds under concurrency', () => {
  it('gives a once-per-customer promotion to exactly 1 of 20 concurrent checkouts of one customer', async () => {
    const id = await createPromotion({ name: 'Welcome, once', usageLimitPerCustomer: 1 });
    const holds = await Promise.all(Array.from({ length: 20 }, (_, i) => hold({ holdKey: `cart_w:${i}`, customerId: 'cust_same', uses: [use(id, 500)] })));
    expect(holds.filter((h) => h.holdId !== null)).toHaveLength(1);
    expect(holds.filter((h) => h.refused[0]?.reason === 'CUSTOMER_USAGE_LIMIT_REACHED')).toHaveLength(19);
    expect(await countedUses(id)).toEqual({ uses: 1, minor: 500 });
  });

  it('gives a promotion limited to 7 uses to exactly 7 of 50 concurrent checkouts of different customers', async () => {
    const id = await createPromotion({ name: 'First seven', usageLimit: 7 });
    const holds = await Promise.all(Array.from({ length: 50 }, (_, i) => hold({ holdKey: `cart_${i}:k`, customerId: `cust_${i}`, uses: [use(id)] })));
    const granted = holds.filter((h) => h.holdId !== null);
    expect(granted).toHaveLength(7);
    expect(holds.filter((h) => h.refused[0]?.reason === 'USAGE_LIMIT_REACHED')).toHaveLength(43);
    expect(await countedUses(id)).toEqual({ uses: 7, minor: 700 });

    // Confirming and releasing at once: the 3 released uses go to exactly 3 of 20 newcomers.
    const results = await Promise.all([
      ...granted.slice(0, 4).map((h, i) => confirm(h.holdId!, `ord_${i}`)),
      ...granted.slice(4).map((h) => release(h.holdId!)),
    ]);
    expect(results).toEqual([true, true, true, true, true, true, true]);
    const late = await Promise.all(Array.from({ length: 20 }, (_, i) => hold({ holdKey: `cart_late_${i}:k`, customerId: `cust_late_${i}`, uses: [use(id)] })));
    expect(late.filter((h) => h.holdId !== null)).toHaveLength(3);
    expect(await countedUses(id)).toEqual({ uses: 7, minor: 700 });
    expect((await usage(id)).timesUsed).toBe(4);
  });

  it('never holds more than the budget when 40 checkouts race for it', async () => {
    const id = await createPromotion({ name: 'Budget 100.00', budget: '100.00' });
    const amounts = Array.from({ length: 40 }, (_, i) => 300 + ((i * 137) % 600));
    const holds = await Promise.all(amounts.map((amount, i) => hold({ holdKey: `cart_b${i}:k`, customerId: `cust_b${i}`, uses: [use(id, amount)] })));
    const held = amounts.filter((_, i) => holds[i]!.holdId !== null).reduce((sum, amount) => sum + amount, 0);
    const { minor } = await countedUses(id);
    expect(minor).toBe(held);
    expect(held).toBeLessThanOrEqual(10_000);
    // Every refusal was for a use that no longer fit what was left once the race was over.
    const smallestRefused = Math.min(...amounts.filter((_, i) => holds[i]!.holdId === null));
    expect(held + smallestRefused).toBeGreaterThan(10_000);
  });

  it('makes one hold when the same key arrives 10 times at once', async () => {
    const id = await createPromotion({ name: 'Replay race', usageLimit: 3 });
    const holds = await Promise.all(Array.from({ length: 10 }, () => hold({ holdKey: 'cart_same:key', customerId: 'cust_rr', uses: [use(id)] })));
    expect(new Set(holds.map((h) => h.holdId)).size).toBe(1);
    expect(holds[0]!.holdId).not.toBeNull();
    expect(await countedUses(id)).toEqual({ uses: 1, minor: 100 });
    const empty = await Promise.all(Array.from({ length: 10 }, () => hold({ holdKey: 'cart_empty:key', uses: [] })));
    expect(new Set(empty.map((h) => h.holdId)).size).toBe(1);
  });

  it('confirms a hold once when 10 confirmations and a release arrive at once', async () => {
    const id = await createPromotion({ name: 'Confirm race', usageLimit: 1 });
    const held = await hold({ holdKey: 'cart_cr:key', customerId: 'cust_cr', uses: [use(id, 250)] });
    const results = await Promise.all([...Array.from({ length: 10 }, () => confirm(held.holdId!, 'ord_cr')), release(held.holdId!)]);
    // Whatever came first, every confirmation holds: after an early release they re-take the free use.
    expect(results.slice(0, 10)).toEqual(Array.from({ length: 10 }, () => true));
    expect(await usage(id)).toEqual({ timesUsed: 1, budgetUsed: { amount: '2.50' } });
    expect(await countedUses(id)).toEqual({ uses: 1, minor: 250 });
  });

  it('does not deadlock when holds name the same promotions in opposite orders', async () => {
    const a = await createPromotion({ name: 'Pair A', usageLimit: 100 });
    const b = await createPromotion({ name: 'Pair B', usageLimit: 100 });
    const holds = await Promise.all(
      Array.from({ length: 30 }, (_, i) => hold({ holdKey: `cart_pair${i}:k`, uses: i % 2 ? [use(a), use(b)] : [use(b), use(a)] })),
    );
    expect(holds.every((h) => h.holdId !== null)).toBe(true);
    expect(await countedUses(a)).toEqual({ uses: 30, minor: 3_000 });
  });
});
