import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { demoCustomer, demoStaffMember } from '@omni/demo-data';
import { callers, expectData } from '@omni/testing';
import { startCustomerHarness, type CustomerHarness } from './support/customer-harness';

let h: CustomerHarness;
beforeAll(async () => {
  h = await startCustomerHarness();
});
afterAll(async () => {
  await h?.stop();
});

const agent = demoStaffMember('support-agent');
const staff = (channel: Parameters<typeof callers.staff>[2]) => h.as(callers.staff(agent.id, agent.homeLocationId, channel, 'SUPPORT_AGENT'));

const IDENTIFY = `mutation($input: IdentifyCustomerInput!) {
  identifyCustomer(input: $input) {
    customer { id identities { kind value verified channel } }
    created mergedIds suggestedMatches { id }
    userErrors { code field message }
  }
}`;
const TIMELINE = `query($id: ID!) { customer(id: $id) { id timeline { edges { node { kind channel provider summary } } } } }`;

async function identify(channel: Parameters<typeof callers.staff>[2], input: Record<string, unknown>) {
  return expectData(await staff(channel)(IDENTIFY, { input })).identifyCustomer;
}

async function rowCounts() {
  const result = await h.database.db.execute<{ customers: number; identities: number; timeline: number; merges: number; outbox: number }>(sql`
    select (select count(*)::int from customer.customers) as customers, (select count(*)::int from customer.identities) as identities,
           (select count(*)::int from customer.timeline_entries) as timeline, (select count(*)::int from customer.customer_merges) as merges,
           (select count(*)::int from customer.outbox_events) as outbox`);
  const rows = Array.isArray(result) ? result : (result as unknown as { rows: unknown[] }).rows;
  return rows[0];
}

describe('identity resolution (J12)', () => {
  it('ends a Telegram sender, a caller and a web-form email as one customer with one timeline once a verified link is seen', async () => {
    const telegram = await identify('MESSENGER', {
      identifiers: [{ kind: 'TELEGRAM', value: '777000111', verified: true }],
      firstName: 'Maria',
      touchpoint: { kind: 'MESSAGE_SENT', summary: 'Asked about the alpine parka', provider: 'TELEGRAM', occurredAt: '2026-11-20T10:00:00.000Z' },
    });
    expect(telegram).toMatchObject({ created: true, userErrors: [] });

    const call = await identify('CALL_CENTER', {
      identifiers: [{ kind: 'PHONE', value: '+49 151 99990001', verified: false }],
      touchpoint: { kind: 'CALL_LOGGED', summary: 'Called about delivery times', occurredAt: '2026-11-20T11:00:00.000Z' },
    });
    expect(call.created).toBe(true);
    expect(call.customer.id).not.toBe(telegram.customer.id);

    // The web form carries the same (unverified) phone: it finds the caller's record, never the Telegram one.
    const form = await identify('WEB', {
      identifiers: [
        { kind: 'EMAIL', value: 'Maria.K@Example.com', verified: false },
        { kind: 'PHONE', value: '0151 99990001', region: 'DE', verified: false },
      ],
      touchpoint: { kind: 'FORM_SUBMITTED', summary: 'Contact form: return question', occurredAt: '2026-11-20T12:00:00.000Z' },
    });
    expect(form).toMatchObject({ created: false, mergedIds: [], customer: { id: call.customer.id } });

    // The Telegram bot gets the phone shared from the account: a verified link between the two records.
    const link = await identify('MESSENGER', {
      identifiers: [
        { kind: 'TELEGRAM', value: '777000111', verified: true },
        { kind: 'PHONE', value: '+4915199990001', verified: true },
      ],
    });
    expect(link).toMatchObject({ created: false, mergedIds: [call.customer.id], customer: { id: telegram.customer.id } });
    expect(link.customer.identities).toEqual([
      { kind: 'TELEGRAM', value: '777000111', verified: true, channel: 'MESSENGER' },
      { kind: 'PHONE', value: '+4915199990001', verified: true, channel: 'CALL_CENTER' },
      { kind: 'EMAIL', value: 'maria.k@example.com', verified: false, channel: 'WEB' },
    ]);

    const timeline = expectData(await staff('CALL_CENTER')(TIMELINE, { id: call.customer.id })).customer;
    expect(timeline.id).toBe(telegram.customer.id);
    expect(timeline.timeline.edges.map((edge: { node: unknown }) => edge.node)).toEqual([
      { kind: 'MESSAGE_SENT', channel: 'MESSENGER', provider: 'TELEGRAM', summary: 'Asked about the alpine parka' },
      { kind: 'CALL_LOGGED', channel: 'CALL_CENTER', provider: null, summary: 'Called about delivery times' },
      { kind: 'FORM_SUBMITTED', channel: 'WEB', provider: null, summary: 'Contact form: return question' },
    ]);

    const merged = expectData(await staff('CALL_CENTER')(`query($id: ID!) { customer(id: $id) { mergedFrom { mergedId survivorId mergedBy reason } } }`, { id: telegram.customer.id }));
    expect(merged.customer.mergedFrom).toEqual([
      { mergedId: call.customer.id, survivorId: telegram.customer.id, mergedBy: 'identity-resolution', reason: expect.stringContaining('PHONE') },
    ]);
  });

  it('never links an unverified identifier to a customer who proved it, and suggests them instead', async () => {
    const anna = demoCustomer('anna');
    const result = await identify('WEB', { identifiers: [{ kind: 'EMAIL', value: 'ANNA.IVANOVA@example.com', verified: false }] });
    expect(result.created).toBe(true);
    expect(result.customer.id).not.toBe(anna.id);
    expect(result.suggestedMatches).toEqual([{ id: anna.id }]);
    expect(result.customer.identities).toEqual([]);
  });

  it('refuses malformed identifiers and unknown kinds with clear errors and writes nothing', async () => {
    const before = await rowCounts();
    const bad = await identify('CALL_CENTER', {
      identifiers: [
        { kind: 'PHONE', value: '12345', verified: false },
        { kind: 'EMAIL', value: 'ok@example.com', verified: false },
        { kind: 'TELEGRAM', value: '@someone', verified: true },
      ],
      touchpoint: { kind: 'CALL_LOGGED', summary: 'Should not be recorded' },
    });
    expect(bad.customer).toBeNull();
    expect(bad.userErrors).toEqual([
      { code: 'INVALID', field: ['input', 'identifiers', '0', 'value'], message: expect.stringContaining('phone number') },
      { code: 'INVALID', field: ['input', 'identifiers', '2', 'value'], message: expect.stringContaining('Telegram') },
    ]);
    const unknown = await staff('MESSENGER')(IDENTIFY, { input: { identifiers: [{ kind: 'ICQ', value: '12345', verified: true }] } });
    expect(unknown.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(unknown.errors?.[0]?.message).toContain('ICQ');
    expect(await rowCounts()).toEqual(before);
  });

  it('lets only staff identify customers', async () => {
    const response = await h.as(callers.customer(demoCustomer('ben').id))(IDENTIFY, { input: { identifiers: [{ kind: 'TELEGRAM', value: '1', verified: true }] } });
    expect(response.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});

const MERGE = `mutation($input: MergeCustomersInput!) {
  mergeCustomers(input: $input) { customer { id } merge { id mergedId survivorId } userErrors { code field } }
}`;
const PROFILE = `query($id: ID!) { customer(id: $id) {
  id identities { kind value } timeline { edges { node { summary } } }
  consents { purpose contactChannel granted } loyalty { balance lifetimeEarned }
  recentlyViewed { id }
} }`;

describe('merging by hand', () => {
  it('previews, then moves every identity, timeline entry, consent and loyalty point; the old id resolves; a replay is a no-op', async () => {
    const manager = h.as(callers.staff(demoStaffMember('berlin-manager').id, demoStaffMember('berlin-manager').homeLocationId, 'POS', 'STORE_MANAGER'));
    const a = (await identify('POS', { identifiers: [{ kind: 'LOYALTY_CARD', value: 'LC-900001', verified: true }], touchpoint: { kind: 'STORE_VISIT', summary: 'Visited Berlin Mitte' } })).customer.id;
    const b = (await identify('WEB', { identifiers: [{ kind: 'EMAIL', value: 'merge.me@example.com', verified: true }], touchpoint: { kind: 'FORM_SUBMITTED', summary: 'Newsletter form' } })).customer.id;
    const bCustomer = h.as(callers.customer(b));
    expectData(await bCustomer(`mutation { setConsent(input: { purpose: MARKETING, contactChannel: EMAIL, granted: true, source: "newsletter-form" }) { userErrors { code } } }`));
    expectData(await bCustomer(`mutation { recordProductView(input: { productId: "prod_01jd0000000000000000000000" }) { userErrors { code } } }`));
    for (const [customerId, points, key] of [[a, 300, 'earn-a-0001'], [b, 200, 'earn-b-0001']] as const) {
      expectData(await manager(`mutation($input: EarnLoyaltyPointsInput!) { earnLoyaltyPoints(input: $input) { userErrors { code } } }`, { input: { customerId, points, reason: 'purchase', idempotencyKey: key } }));
    }
    const before = expectData(await manager(PROFILE, { id: b })).customer;

    const preview = expectData(
      await manager(`query($s: ID!, $m: ID!) { customerMergePreview(survivorId: $s, mergedId: $m) { identities { value } timelineEntries consentRecords loyaltyPoints alreadyMerged } }`, { s: a, m: b }),
    );
    expect(preview.customerMergePreview).toEqual({ identities: [{ value: 'merge.me@example.com' }], timelineEntries: 2, consentRecords: 1, loyaltyPoints: 200, alreadyMerged: false });

    const merged = expectData(await manager(MERGE, { input: { survivorId: a, mergedId: b, reason: 'Same person, confirmed at the till' } })).mergeCustomers;
    expect(merged).toMatchObject({ customer: { id: a }, merge: { mergedId: b, survivorId: a }, userErrors: [] });

    const after = expectData(await manager(PROFILE, { id: b })).customer;
    expect(after.id).toBe(a);
    expect(after.identities.map((i: { value: string }) => i.value)).toEqual(['LC-900001', 'merge.me@example.com']);
    expect(after.timeline.edges.map((e: { node: { summary: string } }) => e.node.summary)).toEqual(['Visited Berlin Mitte', 'Newsletter form', 'Viewed a product']);
    expect(after.consents).toEqual(before.consents);
    expect(after.loyalty).toEqual({ balance: 500, lifetimeEarned: 500 });
    expect(after.recentlyViewed).toEqual(before.recentlyViewed);

    // The merged customer's own token keeps working and sees the survivor.
    const me = expectData(await bCustomer('{ me { id loyalty { balance } } }'));
    expect(me.me).toEqual({ id: a, loyalty: { balance: 500 } });

    const counts = await rowCounts();
    const replay = expectData(await manager(MERGE, { input: { survivorId: a, mergedId: b, reason: 'clicked twice' } })).mergeCustomers;
    expect(replay).toEqual({ ...merged, userErrors: [] });
    expect(await rowCounts()).toEqual(counts);
    expect(expectData(await manager(PROFILE, { id: a })).customer).toEqual(after);

    const preview2 = expectData(await manager(`query($s: ID!, $m: ID!) { customerMergePreview(survivorId: $s, mergedId: $m) { alreadyMerged } }`, { s: a, m: b }));
    expect(preview2.customerMergePreview.alreadyMerged).toBe(true);
  });

  it('publishes customer.merged to the outbox in the merge transaction', async () => {
    const result = await h.database.db.execute<{ type: string; payload: { survivorId: string; mergedId: string } }>(sql`select type, payload from customer.outbox_events where type = 'customer.merged' order by id`);
    const rows = (Array.isArray(result) ? result : (result as unknown as { rows: unknown[] }).rows) as { type: string; payload: { survivorId: string; mergedId: string } }[];
    const merges = await h.database.db.execute(sql`select survivor_id, merged_id from customer.customer_merges order by id`);
    const mergeRows = (Array.isArray(merges) ? merges : (merges as unknown as { rows: unknown[] }).rows) as { survivor_id: string; merged_id: string }[];
    expect(rows.map((row) => [row.payload.survivorId, row.payload.mergedId])).toEqual(mergeRows.map((row) => [row.survivor_id, row.merged_id]));
    expect(rows.length).toBeGreaterThanOrEqual(2);
  });

  it('refuses merges by customers and merges of unknown records, changing nothing', async () => {
    const anna = demoCustomer('anna');
    const ben = demoCustomer('ben');
    const before = await rowCounts();
    const byCustomer = await h.as(callers.customer(anna.id))(MERGE, { input: { survivorId: anna.id, mergedId: ben.id, reason: 'mine now' } });
    expect(byCustomer.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const byPartner = await h.as(callers.partner())(MERGE, { input: { survivorId: anna.id, mergedId: ben.id, reason: 'x' } });
    expect(byPartner.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const unknown = expectData(await staff('CALL_CENTER')(MERGE, { input: { survivorId: anna.id, mergedId: 'cus_nope', reason: 'x' } }));
    expect(unknown.mergeCustomers.userErrors).toEqual([{ code: 'NOT_FOUND', field: ['input', 'mergedId'] }]);
    const self = expectData(await staff('CALL_CENTER')(MERGE, { input: { survivorId: anna.id, mergedId: anna.id, reason: 'x' } }));
    expect(self.mergeCustomers.userErrors).toEqual([{ code: 'INVALID', field: ['input', 'mergedId'] }]);
    expect(await rowCounts()).toEqual(before);
  });
});
