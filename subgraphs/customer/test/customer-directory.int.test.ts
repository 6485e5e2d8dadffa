import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoCustomer } from '@omni/demo-data';
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
