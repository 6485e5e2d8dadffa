import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CUSTOMERS, demoCustomer, demoStaffMember } from '@omni/demo-data';
import { newId } from '@omni/db';
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
const staff = () => h.as(callers.staff(agent.id, agent.homeLocationId, 'CALL_CENTER', 'SUPPORT_AGENT'));
const VIEW = `mutation($input: RecordProductViewInput!) { recordProductView(input: $input) { customer { recentlyViewed { id } } userErrors { code field } } }`;
const product = (n: number) => `prod_01jd00000000000000000000${String(n).padStart(2, '0')}`;

describe('recently viewed (J1)', () => {
  it('is the same list in every channel, most recent first, one entry per product', async () => {
    const chen = demoCustomer('chen');
    const web = h.as(callers.customer(chen.id, 'WEB'));
    const app = h.as(callers.customer(chen.id, 'MOBILE_APP'));
    for (const n of [1, 2, 3]) expectData(await web(VIEW, { input: { productId: product(n) } }));
    const fromApp = expectData(await app(VIEW, { input: { productId: product(1) } })).recordProductView;
    expect(fromApp.customer.recentlyViewed.map((p: { id: string }) => p.id)).toEqual([product(1), product(3), product(2)]);
    const onWeb = expectData(await web('{ me { recentlyViewed(first: 2) { id } } }'));
    expect(onWeb.me.recentlyViewed.map((p: { id: string }) => p.id)).toEqual([product(1), product(3)]);

    const bad = expectData(await web(VIEW, { input: { productId: 'not-a-product' } })).recordProductView;
    expect(bad).toEqual({ customer: null, userErrors: [{ code: 'INVALID', field: ['input', 'productId'] }] });
    const other = expectData(await web(VIEW, { input: { customerId: demoCustomer('anna').id, productId: product(9) } })).recordProductView;
    expect(other.userErrors).toEqual([{ code: 'FORBIDDEN', field: ['input', 'customerId'] }]);
  });

  it('refuses products the channel does not offer or that do not exist, and leaves out those withdrawn since', async () => {
    const ben = demoCustomer('ben');
    const web = h.as(callers.customer(ben.id, 'WEB'));
    const app = h.as(callers.customer(ben.id, 'MOBILE_APP'));
    const [draft, gone, appOnly] = [`prod_${'0'.repeat(21)}draft`, `prod_${'0'.repeat(22)}gone`, `prod_${'0'.repeat(22)}app0`];
    for (const productId of [draft, gone, appOnly]) {
      const refused = expectData(await web(VIEW, { input: { productId } })).recordProductView;
      expect(refused).toEqual({ customer: null, userErrors: [{ code: 'NOT_FOUND', field: ['input', 'productId'] }] });
    }
    expectData(await web(VIEW, { input: { productId: product(5) } }));
    // Viewed in the app, where it is offered; on the web it is left out of the list and the timeline.
    expect(expectData(await app(VIEW, { input: { productId: appOnly } })).recordProductView.userErrors).toEqual([]);
    const PROFILE = '{ me { recentlyViewed { id } timeline(kinds: [PRODUCT_VIEWED]) { edges { node { product { id } } } } } }';
    const ids = (me: { recentlyViewed: { id: string }[] }) => me.recentlyViewed.map((p) => p.id);
    const products = (me: { timeline: { edges: { node: { product: { id: string } | null } }[] } }) => me.timeline.edges.map((edge) => edge.node.product?.id ?? null);
    const onWeb = expectData(await web(PROFILE)).me;
    expect(ids(onWeb)).toEqual([product(5)]);
    expect(products(onWeb)).toEqual([product(5), null]);
    const inApp = expectData(await app(PROFILE)).me;
    expect(ids(inApp)).toEqual([appOnly, product(5)]);
    const served = expectData(await staff()('query($id: ID!) { customer(id: $id) { recentlyViewed { id } } }', { id: ben.id })).customer;
    expect(ids(served)).toEqual([appOnly, product(5)]);
  });
});


describe('timeline', () => {
  it('pages with a cursor and filters by kind and channel', async () => {
    const dmitry = demoCustomer('dmitry');
    const record = (kind: string, summary: string, occurredAt: string) =>
      staff()(`mutation($input: RecordTouchpointInput!) { recordTouchpoint(input: $input) { entry { id } userErrors { code } } }`, {
        input: { customerId: dmitry.id, kind, summary, occurredAt },
      });
    expectData(await record('CALL_LOGGED', 'call 1', '2026-11-01T10:00:00.000Z'));
    expectData(await record('STORE_VISIT', 'visit', '2026-11-02T10:00:00.000Z'));
    expectData(await record('CALL_LOGGED', 'call 2', '2026-11-03T10:00:00.000Z'));
    const query = `query($id: ID!, $after: String, $kinds: [TouchpointKind!]) { customer(id: $id) { timeline(first: 2, after: $after, kinds: $kinds) {
      edges { cursor node { summary } } pageInfo { hasNextPage endCursor } } } }`;
    const first = expectData(await staff()(query, { id: dmitry.id })).customer.timeline;
    expect(first.edges.map((e: { node: { summary: string } }) => e.node.summary)).toEqual(['call 1', 'visit']);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const second = expectData(await staff()(query, { id: dmitry.id, after: first.pageInfo.endCursor })).customer.timeline;
    expect(second.edges.map((e: { node: { summary: string } }) => e.node.summary)).toEqual(['call 2']);
    expect(second.pageInfo.hasNextPage).toBe(false);
    const calls = expectData(await staff()(query, { id: dmitry.id, kinds: ['CALL_LOGGED'] })).customer.timeline;
    expect(calls.edges.map((e: { node: { summary: string } }) => e.node.summary)).toEqual(['call 1', 'call 2']);
    const tooMany = await staff()(`query($id: ID!) { customer(id: $id) { timeline(first: 101) { edges { cursor } } } }`, { id: dmitry.id });
    expect(tooMany.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('loads timelines, consents, loyalty and recently viewed of many customers with a fixed number of statements', async () => {
    const query = `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Customer {
      id timeline(first: 5) { edges { node { kind } } } consents { purpose } consentHistory { edges { node { id } } }
      loyalty { balance entries { edges { node { id } } } } recentlyViewed { id } mergedFrom { id } marketingAllowed(contactChannel: EMAIL)
      segments { kind product { id } } } } }`;
    const cost = async (ids: string[]) => {
      const before = h.database.statements.total;
      expectData(await staff()(query, { reps: ids.map((id) => ({ __typename: 'Customer', id })) }));
      return h.database.statements.total - before;
    };
    const one = await cost([DEMO_CUSTOMERS[0]!.id]);
    const all = await cost(DEMO_CUSTOMERS.map((c) => c.id));
    expect(all).toBe(one);
    expect(all).toBeLessThanOrEqual(10);
  });
});

const CONSENT = `mutation($input: SetConsentInput!) { setConsent(input: $input) { consent { purpose contactChannel granted source channel } userErrors { code field } } }`;
const CONSENTS = `query($id: ID!) { customer(id: $id) {
  consents { purpose contactChannel granted } consentHistory { edges { node { purpose contactChannel granted source } } }
  email: marketingAllowed(contactChannel: EMAIL) sms: marketingAllowed(contactChannel: SMS) } }`;

describe('consent (J16)', () => {
  it('keeps a ledger per purpose and contact channel; marketing needs a grant', async () => {
    const dmitry = demoCustomer('dmitry');
    const asDmitry = h.as(callers.customer(dmitry.id, 'WEB'));
    const initial = expectData(await asDmitry(CONSENTS, { id: dmitry.id })).customer;
    expect(initial).toMatchObject({ consents: [], email: false, sms: false });

    const granted = expectData(await asDmitry(CONSENT, { input: { purpose: 'MARKETING', contactChannel: 'ANY', granted: true, source: 'web-signup-checkbox' } }));
    expect(granted.setConsent).toEqual({ consent: { purpose: 'MARKETING', contactChannel: 'ANY', granted: true, source: 'web-signup-checkbox', channel: 'WEB' }, userErrors: [] });
    expectData(await staff()(CONSENT, { input: { customerId: dmitry.id, purpose: 'MARKETING', contactChannel: 'SMS', granted: false, source: 'call-center' } }));
    expectData(await asDmitry(CONSENT, { input: { purpose: 'MARKETING', contactChannel: 'ANY', granted: false, source: 'preferences-page' } }));
    expectData(await asDmitry(CONSENT, { input: { purpose: 'MARKETING', contactChannel: 'ANY', granted: true, source: 'preferences-page' } }));

    const now = expectData(await asDmitry(CONSENTS, { id: dmitry.id })).customer;
    expect(now.consents).toEqual([
      { purpose: 'MARKETING', contactChannel: 'ANY', granted: true },
      { purpose: 'MARKETING', contactChannel: 'SMS', granted: false },
    ]);
    expect(now.consentHistory.edges.map((e: { node: { source: string; granted: boolean } }) => [e.node.source, e.node.granted])).toEqual([
      ['web-signup-checkbox', true],
      ['call-center', false],
      ['preferences-page', false],
      ['preferences-page', true],
    ]);
    expect([now.email, now.sms]).toEqual([true, false]);
  });

  it('refuses consent changes for someone else and invalid input, changing nothing', async () => {
    const anna = demoCustomer('anna');
    const ben = demoCustomer('ben');
    const before = expectData(await staff()(CONSENTS, { id: anna.id })).customer;
    const forOther = expectData(await h.as(callers.customer(ben.id))(CONSENT, { input: { customerId: anna.id, purpose: 'MARKETING', contactChannel: 'ANY', granted: true, source: 'x' } }));
    expect(forOther.setConsent).toEqual({ consent: null, userErrors: [{ code: 'FORBIDDEN', field: ['input', 'customerId'] }] });
    const blank = expectData(await h.as(callers.customer(anna.id))(CONSENT, { input: { purpose: 'ANALYTICS', contactChannel: 'ANY', granted: true, source: '  ' } }));
    expect(blank.setConsent.userErrors).toEqual([{ code: 'INVALID', field: ['input', 'source'] }]);
    const byPartner = await h.as(callers.partner())(CONSENT, { input: { customerId: anna.id, purpose: 'MARKETING', contactChannel: 'ANY', granted: true, source: 'x' } });
    expect(byPartner.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(expectData(await staff()(CONSENTS, { id: anna.id })).customer).toEqual(before);
  });
});

const RECEIVE = `mutation($events: [DomainEventInput!]!) { receiveCustomerEvents(events: $events) { accepted } }`;

describe('events from sibling subgraphs', () => {
  it('turns delivered events into timeline entries, once per event however often delivered', async () => {
    const anna = demoCustomer('anna');
    const event = (type: string, payload: Record<string, unknown>, occurredAt: string) => ({
      id: newId('evt'), type, producer: type.split('.')[0] === 'message' ? 'support' : 'cart', aggregateId: 'x', occurredAt, payload: JSON.stringify(payload),
    });
    const events = [
      event('cart.changed', { customerId: anna.id, cartId: 'cart_1', channel: 'MOBILE_APP', totalQuantity: 2 }, '2026-11-22T09:00:00.000Z'),
      event('message.sent', { customerId: anna.id, conversationId: 'conv_1', channel: 'MESSENGER', provider: 'TELEGRAM', authorKind: 'CUSTOMER' }, '2026-11-22T09:05:00.000Z'),
      event('cart.changed', { customerId: 'cus_guest_without_profile', cartId: 'cart_2', channel: 'WEB' }, '2026-11-22T09:06:00.000Z'),
    ];
    const cart = h.as(callers.service('cart'));
    expect(expectData(await cart(RECEIVE, { events })).receiveCustomerEvents.accepted).toBe(3);
    expect(expectData(await cart(RECEIVE, { events: [events[1], events[0]] })).receiveCustomerEvents.accepted).toBe(0);
    const timeline = expectData(
      await staff()(`query($id: ID!) { customer(id: $id) { timeline(kinds: [CART_CHANGED, MESSAGE_SENT]) { edges { node { kind channel provider summary occurredAt } } } } }`, { id: anna.id }),
    ).customer.timeline;
    expect(timeline.edges.map((e: { node: unknown }) => e.node)).toEqual([
      { kind: 'CART_CHANGED', channel: 'MOBILE_APP', provider: null, summary: 'Changed the cart (2 items)', occurredAt: '2026-11-22T09:00:00.000Z' },
      { kind: 'MESSAGE_SENT', channel: 'MESSENGER', provider: 'TELEGRAM', summary: 'Sent a message', occurredAt: '2026-11-22T09:05:00.000Z' },
    ]);
  });

  it('accepts events only from sibling services', async () => {
    const response = await staff()(RECEIVE, { events: [] });
    expect(response.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});

describe('segments (J8)', () => {
  it('follows orders, spend and repeated interest in one product', async () => {
    const chen = demoCustomer('chen');
    const SEGMENTS = `query($id: ID!) { customer(id: $id) { segments { kind product { id } } } }`;
    const segments = async () => expectData(await staff()(SEGMENTS, { id: chen.id })).customer.segments;
    expect(await segments()).toEqual([]);

    const order = (orderId: string, totalMinor: number) => ({
      id: newId('evt'), type: 'order.placed', producer: 'cart', aggregateId: orderId, occurredAt: new Date().toISOString(),
      payload: JSON.stringify({ customerId: chen.id, orderId, channel: 'WEB', totalMinor, currencyCode: 'EUR' }),
    });
    const cart = h.as(callers.service('cart'));
    expectData(await cart(RECEIVE, { events: [order('ord_1', 12_000)] }));
    expect(await segments()).toEqual([{ kind: 'FIRST_TIME_BUYER', product: null }]);
    expectData(await cart(RECEIVE, { events: [order('ord_2', 45_000)] }));
    expect(await segments()).toEqual([{ kind: 'REPEAT_BUYER', product: null }, { kind: 'HIGH_SPENDER', product: null }]);

    const asked = (occurredAt: string) =>
      staff()(`mutation($input: RecordTouchpointInput!) { recordTouchpoint(input: $input) { userErrors { code } } }`, {
        input: { customerId: chen.id, kind: 'MESSAGE_SENT', summary: 'Asked about the parka', provider: 'WHATSAPP', productId: product(42), occurredAt },
      });
    const now = Date.now();
    expectData(await asked(new Date(now - 40 * 24 * 3600_000).toISOString())); // outside the 30-day window
    expectData(await asked(new Date(now - 10 * 24 * 3600_000).toISOString()));
    expectData(await asked(new Date(now - 3600_000).toISOString()));
    expect((await segments()).map((s: { kind: string }) => s.kind)).toEqual(['REPEAT_BUYER', 'HIGH_SPENDER']);
    expectData(await asked(new Date(now - 60_000).toISOString()));
    expect(await segments()).toEqual([
      { kind: 'REPEAT_BUYER', product: null },
      { kind: 'HIGH_SPENDER', product: null },
      { kind: 'ENGAGED_WITH_PRODUCT', product: { id: product(42) } },
    ]);
  });
});

describe('touchpoints naming a product', () => {
  it('refuse a product that does not exist', async () => {
    const touchpoint = `mutation($input: RecordTouchpointInput!) { recordTouchpoint(input: $input) { entry { id } userErrors { code field } } }`;
    const input = { customerId: demoCustomer('dmitry').id, kind: 'CALL_LOGGED', summary: 'Asked about a parka' };
    const refused = expectData(await staff()(touchpoint, { input: { ...input, productId: `prod_${'0'.repeat(22)}gone` } })).recordTouchpoint;
    expect(refused).toEqual({ entry: null, userErrors: [{ code: 'NOT_FOUND', field: ['input', 'productId'] }] });
    // A draft exists: staff log what a customer asked about, announced or not.
    const draft = expectData(await staff()(touchpoint, { input: { ...input, productId: `prod_${'0'.repeat(21)}draft` } })).recordTouchpoint;
    expect(draft.userErrors).toEqual([]);
  });
});
