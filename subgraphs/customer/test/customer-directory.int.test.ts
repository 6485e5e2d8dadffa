import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '@omni/db';
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

const CURRENT = `query($ids: [ID!]!) { currentCustomerIds(ids: $ids) }`;
const IDENTIFY = `mutation($input: IdentifyCustomerInput!) { identifyCustomer(input: $input) { customer { id } } }`;
const MERGE = `mutation($input: MergeCustomersInput!) { mergeCustomers(input: $input) { userErrors { code } } }`;

describe('currentCustomerIds (internal, for sibling services checking customer ids)', () => {
  it('answers each id as it resolves now, the survivor for a merged one, null for nobody', async () => {
    const admin = h.as(callers.admin());
    const identify = async (email: string) =>
      expectData(await admin(IDENTIFY, { input: { identifiers: [{ kind: 'EMAIL', value: email, verified: false }] } })).identifyCustomer.customer.id as string;
    const survivor = await identify('directory-a@example.com');
    const merged = await identify('directory-b@example.com');
    expect(expectData(await admin(MERGE, { input: { survivorId: survivor, mergedId: merged, reason: 'Same person' } })).mergeCustomers.userErrors).toEqual([]);

    const anna = demoCustomer('anna').id;
    const ids = [anna, merged, 'cus_00000000000000000000000000', 'not-an-id'];
    const data = expectData(await h.as(callers.service('cart'))(CURRENT, { ids }));
    expect(data.currentCustomerIds).toEqual([anna, survivor, null, null]);
  });

  it('answers sibling services only', async () => {
    const response = await h.as(callers.staff('staff_someone', 'loc_somewhere', 'POS', 'SUPPORT_AGENT'))(CURRENT, { ids: [demoCustomer('anna').id] });
    expect(response.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});

describe('staffMember for sibling services', () => {
  it('answers a service signed as itself (support checks the staff ids it assigns), null for nobody', async () => {
    const STAFF = `query($id: ID!) { staffMember(id: $id) { id name } }`;
    const support = h.as(callers.service('support'));
    const agent = demoStaffMember('support-agent');
    expect(expectData(await support(STAFF, { id: agent.id })).staffMember).toEqual({ id: agent.id, name: agent.name });
    expect(expectData(await support(STAFF, { id: 'staff_00000000000000000000000000' })).staffMember).toBeNull();
  });
});

const SEGMENTS = `query($customerIds: [ID!]!) { customerSegments(customerIds: $customerIds) { customerId currentCustomerId kinds engagedProductIds } }`;
const RECEIVE = `mutation($events: [DomainEventInput!]!) { receiveCustomerEvents(events: $events) { accepted } }`;
const TOUCHPOINT = `mutation($input: RecordTouchpointInput!) { recordTouchpoint(input: $input) { userErrors { code } } }`;

describe('customerSegments (internal, for promotions pricing segment-scoped offers)', () => {
  it("answers each id with its segments now, a merged id with the survivor's, an id of nobody with none", async () => {
    const admin = h.as(callers.admin());
    const identify = async (email: string) =>
      expectData(await admin(IDENTIFY, { input: { identifiers: [{ kind: 'EMAIL', value: email, verified: false }] } })).identifyCustomer.customer.id as string;
    const survivor = await identify('segments-a@example.com');
    const merged = await identify('segments-b@example.com');
    const bystander = await identify('segments-c@example.com');
    const orderPlaced = {
      id: newId('evt'),
      type: 'order.placed',
      producer: 'cart',
      aggregateId: 'ord_segments',
      occurredAt: new Date().toISOString(),
      payload: JSON.stringify({ customerId: survivor, orderId: 'ord_segments', channel: 'POS', totalMinor: 5_000, currencyCode: 'EUR' }),
    };
    expectData(await h.as(callers.service('cart'))(RECEIVE, { events: [orderPlaced] }));
    const parka = 'prod_01jd0000000000000000000042';
    for (let i = 0; i < 3; i++) {
      const input = { customerId: survivor, kind: 'MESSAGE_SENT', summary: 'Asked about the parka', provider: 'WHATSAPP', productId: parka, occurredAt: new Date(Date.now() - i * 60_000).toISOString() };
      expect(expectData(await admin(TOUCHPOINT, { input })).recordTouchpoint.userErrors).toEqual([]);
    }
    expect(expectData(await admin(MERGE, { input: { survivorId: survivor, mergedId: merged, reason: 'Same person' } })).mergeCustomers.userErrors).toEqual([]);

    const nobody = 'cus_00000000000000000000000000';
    const data = expectData(await h.as(callers.service('promotions'))(SEGMENTS, { customerIds: [survivor, merged, bystander, nobody, 'not-an-id'] }));
    const inSegments = { kinds: ['FIRST_TIME_BUYER', 'ENGAGED_WITH_PRODUCT'], engagedProductIds: [parka] };
    expect(data.customerSegments).toEqual([
      { customerId: survivor, currentCustomerId: survivor, ...inSegments },
      { customerId: merged, currentCustomerId: survivor, ...inSegments },
      { customerId: bystander, currentCustomerId: bystander, kinds: [], engagedProductIds: [] },
      { customerId: nobody, currentCustomerId: null, kinds: [], engagedProductIds: [] },
      { customerId: 'not-an-id', currentCustomerId: null, kinds: [], engagedProductIds: [] },
    ]);
  });

  it('answers sibling services only, at most 100 ids at once', async () => {
    const staff = await h.as(callers.staff('staff_someone', 'loc_somewhere', 'POS', 'SUPPORT_AGENT'))(SEGMENTS, { customerIds: [demoCustomer('anna').id] });
    expect(staff.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const tooMany = await h.as(callers.service('promotions'))(SEGMENTS, { customerIds: Array.from({ length: 101 }, (_, i) => `cus_${i}`) });
    expect(tooMany.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});
