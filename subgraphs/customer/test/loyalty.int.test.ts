import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoCustomer, demoStaffMember } from '@omni/demo-data';
import { newId } from '@omni/db';
import { callers, expectData, onPostgresServer } from '@omni/testing';
import { seedCustomerDemoData } from '../src/seed';
import { startCustomerHarness, type CustomerHarness } from './support/customer-harness';

let h: CustomerHarness;
beforeAll(async () => {
  h = await startCustomerHarness();
});
afterAll(async () => {
  await h?.stop();
});

const cashier = demoStaffMember('berlin-cashier');
const staff = () => h.as(callers.staff(cashier.id, cashier.homeLocationId, 'POS'));
const EARN = `mutation($input: EarnLoyaltyPointsInput!) { earnLoyaltyPoints(input: $input) {
  entry { id kind points channel } account { balance lifetimeEarned tier pointsToNextTier } userErrors { code field message } } }`;
const REDEEM = `mutation($input: RedeemLoyaltyPointsInput!) { redeemLoyaltyPoints(input: $input) {
  entry { id kind points } account { balance } userErrors { code field message } } }`;
const ACCOUNT = `query($id: ID!) { customer(id: $id) { loyalty { balance lifetimeEarned tier entries(first: 100) { edges { node { kind points } } } } } }`;

async function newCustomer(card: string) {
  const response = await staff()(`mutation($input: IdentifyCustomerInput!) { identifyCustomer(input: $input) { customer { id } } }`, {
    input: { identifiers: [{ kind: 'LOYALTY_CARD', value: card, verified: true }] },
  });
  return expectData(response).identifyCustomer.customer.id as string;
}

const key = () => newId('key');

describe('loyalty points', () => {
  it('seeds the demo points once, however often the seed runs', async () => {
    await seedCustomerDemoData(h.database.db);
    const anna = expectData(await staff()(ACCOUNT, { id: demoCustomer('anna').id })).customer.loyalty;
    expect(anna).toMatchObject({ balance: 1200, lifetimeEarned: 1200, tier: 'SILVER' });
    expect(anna.entries.edges).toHaveLength(2);
  });

  it('earns in one channel, redeems in another, moves up tiers and never goes below zero', async () => {
    const customerId = await newCustomer('LC-700001');
    const earned = expectData(await staff()(EARN, { input: { customerId, points: 1200, reason: 'order ord_1', idempotencyKey: key() } })).earnLoyaltyPoints;
    expect(earned).toMatchObject({ entry: { kind: 'EARN', points: 1200, channel: 'POS' }, account: { balance: 1200, lifetimeEarned: 1200, tier: 'SILVER', pointsToNextTier: 3800 }, userErrors: [] });

    const asCustomer = h.as(callers.customer(customerId, 'MOBILE_APP'));
    const spent = expectData(await asCustomer(REDEEM, { input: { points: 1000, reason: 'voucher', idempotencyKey: key() } })).redeemLoyaltyPoints;
    expect(spent).toMatchObject({ entry: { kind: 'REDEEM', points: -1000 }, account: { balance: 200 }, userErrors: [] });

    const tooMuch = expectData(await asCustomer(REDEEM, { input: { points: 201, reason: 'voucher', idempotencyKey: key() } })).redeemLoyaltyPoints;
    expect(tooMuch).toEqual({ entry: null, account: null, userErrors: [{ code: 'INVALID_STATE', field: ['input', 'points'], message: 'Not enough points: the balance is 200' }] });

    const account = expectData(await staff()(ACCOUNT, { id: customerId })).customer.loyalty;
    // Spending never demotes: the tier follows lifetime points.
    expect(account).toMatchObject({ balance: 200, lifetimeEarned: 1200, tier: 'SILVER' });
    expect(account.entries.edges.map((e: { node: unknown }) => e.node)).toEqual([
      { kind: 'EARN', points: 1200 },
      { kind: 'REDEEM', points: -1000 },
    ]);
  });

  it('returns the first result for a retried request and refuses a reused key', async () => {
    const customerId = await newCustomer('LC-700002');
    const idempotencyKey = key();
    const first = expectData(await staff()(EARN, { input: { customerId, points: 50, reason: 'signup', idempotencyKey } })).earnLoyaltyPoints;
    const retry = expectData(await staff()(EARN, { input: { customerId, points: 50, reason: 'signup', idempotencyKey } })).earnLoyaltyPoints;
    expect(retry).toEqual(first);
    const reused = expectData(await staff()(EARN, { input: { customerId, points: 60, reason: 'signup', idempotencyKey } })).earnLoyaltyPoints;
    expect(reused.userErrors).toEqual([{ code: 'IDEMPOTENCY_KEY_REUSED', field: ['input', 'idempotencyKey'], message: expect.any(String) }]);

    const redeemKey = key();
    const asCustomer = h.as(callers.customer(customerId));
    const redeemed = expectData(await asCustomer(REDEEM, { input: { points: 30, reason: 'coffee', idempotencyKey: redeemKey } })).redeemLoyaltyPoints;
    const again = expectData(await asCustomer(REDEEM, { input: { points: 30, reason: 'coffee', idempotencyKey: redeemKey } })).redeemLoyaltyPoints;
    expect(again.entry).toEqual(redeemed.entry);
    expect(expectData(await staff()(ACCOUNT, { id: customerId })).customer.loyalty.balance).toBe(20);
  });

  it('refuses customers earning points and redeeming someone else\'s, changing nothing', async () => {
    const anna = demoCustomer('anna');
    const ben = demoCustomer('ben');
    const before = expectData(await staff()(ACCOUNT, { id: anna.id })).customer.loyalty;
    const byCustomer = await h.as(callers.customer(anna.id))(EARN, { input: { customerId: anna.id, points: 1000, reason: 'free money', idempotencyKey: key() } });
    expect(byCustomer.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const forOther = expectData(await h.as(callers.customer(anna.id))(REDEEM, { input: { customerId: ben.id, points: 1, reason: 'x', idempotencyKey: key() } }));
    expect(forOther.redeemLoyaltyPoints.userErrors).toEqual([{ code: 'FORBIDDEN', field: ['input', 'customerId'], message: expect.any(String) }]);
    expect(expectData(await staff()(ACCOUNT, { id: anna.id })).customer.loyalty).toEqual(before);
    expect(expectData(await staff()(ACCOUNT, { id: ben.id })).customer.loyalty.balance).toBe(300);
  });

  it('expires lots past their expiry, and does not let them be spent before the job runs', async () => {
    const customerId = await newCustomer('LC-700003');
    const soon = new Date(Date.now() + 1500).toISOString();
    expectData(await staff()(EARN, { input: { customerId, points: 100, reason: 'promo', expiresAt: soon, idempotencyKey: key() } }));
    expectData(await staff()(EARN, { input: { customerId, points: 40, reason: 'purchase', idempotencyKey: key() } }));
    await new Promise((resolve) => setTimeout(resolve, 1700));

    const asCustomer = h.as(callers.customer(customerId));
    const early = expectData(await asCustomer(REDEEM, { input: { points: 100, reason: 'voucher', idempotencyKey: key() } })).redeemLoyaltyPoints;
    expect(early.userErrors[0]?.code).toBe('INVALID_STATE');

    const notAdmin = await staff()(`mutation { expireLoyaltyPoints(input: {}) { expiredPoints } }`);
    expect(notAdmin.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const expired = expectData(await h.as(callers.admin())(`mutation($id: ID) { expireLoyaltyPoints(input: { customerId: $id }) { expiredPoints customers userErrors { code } } }`, { id: customerId }));
    expect(expired.expireLoyaltyPoints).toEqual({ expiredPoints: 100, customers: 1, userErrors: [] });
    const account = expectData(await staff()(ACCOUNT, { id: customerId })).customer.loyalty;
    expect(account.balance).toBe(40);
    expect(account.entries.edges.map((e: { node: { kind: string; points: number } }) => e.node).at(-1)).toEqual({ kind: 'EXPIRE', points: -100 });
  });

  it.skipIf(!onPostgresServer())('lets exactly 5 of 20 concurrent redemptions through against a balance covering 5, leaving 0', async () => {
    const customerId = await newCustomer('LC-700004');
    expectData(await staff()(EARN, { input: { customerId, points: 500, reason: 'bonus', idempotencyKey: key() } }));
    const asCustomer = h.as(callers.customer(customerId));
    const results = await Promise.all(
      Array.from({ length: 20 }, () => asCustomer(REDEEM, { input: { points: 100, reason: 'concurrent', idempotencyKey: key() } })),
    );
    const payloads = results.map((result) => expectData(result).redeemLoyaltyPoints);
    expect(payloads.filter((p) => p.userErrors.length === 0)).toHaveLength(5);
    expect(payloads.filter((p) => p.userErrors[0]?.code === 'INVALID_STATE')).toHaveLength(15);
    const account = expectData(await staff()(ACCOUNT, { id: customerId })).customer.loyalty;
    expect(account.balance).toBe(0);
    expect(account.entries.edges.filter((e: { node: { kind: string } }) => e.node.kind === 'REDEEM')).toHaveLength(5);
  });

  it.skipIf(!onPostgresServer())('applies a request retried concurrently with the same key once', async () => {
    const customerId = await newCustomer('LC-700005');
    const idempotencyKey = key();
    const results = await Promise.all(
      Array.from({ length: 10 }, () => staff()(EARN, { input: { customerId, points: 70, reason: 'retry storm', idempotencyKey } })),
    );
    const ids = new Set(results.map((result) => expectData(result).earnLoyaltyPoints.entry.id));
    expect(ids.size).toBe(1);
    expect(expectData(await staff()(ACCOUNT, { id: customerId })).customer.loyalty.balance).toBe(70);
  });
});
