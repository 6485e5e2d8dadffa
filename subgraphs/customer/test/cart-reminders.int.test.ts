import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '@omni/db';
import { demoStaffMember } from '@omni/demo-data';
import { callers, expectData } from '@omni/testing';
import type { CartReminder } from '../src/clients/reminder-sender';
import { startCustomerHarness, type CustomerHarness } from './support/customer-harness';

/** J6: an abandoned cart shows on the timeline and drives a reminder where consent allows one. */
let h: CustomerHarness;
const sent: CartReminder[] = [];
let failNextSend = false;

beforeAll(async () => {
  h = await startCustomerHarness({
    reminderSender: {
      async send(reminder) {
        if (failNextSend) {
          failNextSend = false;
          throw new Error('mail server down');
        }
        sent.push(reminder);
      },
    },
  });
});
afterAll(async () => {
  await h?.stop();
});

const agent = demoStaffMember('support-agent');
const staff = () => h.as(callers.staff(agent.id, agent.homeLocationId, 'CALL_CENTER', 'SUPPORT_AGENT'));
const RECEIVE = `mutation($events: [DomainEventInput!]!) { receiveCustomerEvents(events: $events) { accepted } }`;
const TIMELINE = `query($id: ID!) { customer(id: $id) { timeline(kinds: [CART_ABANDONED, CART_REMINDER]) { edges { node { kind channel provider summary } } } } }`;

async function customerWith(identifiers: { kind: string; value: string; verified: boolean }[]): Promise<string> {
  const identified = expectData(
    await staff()(`mutation($input: IdentifyCustomerInput!) { identifyCustomer(input: $input) { customer { id } userErrors { code } } }`, { input: { identifiers } }),
  ).identifyCustomer;
  expect(identified.userErrors).toEqual([]);
  return identified.customer.id;
}

async function setConsent(customerId: string, contactChannel: string, granted: boolean) {
  const result = expectData(
    await h.as(callers.customer(customerId))(`mutation($input: SetConsentInput!) { setConsent(input: $input) { userErrors { code } } }`, {
      input: { purpose: 'MARKETING', contactChannel, granted, source: 'preference-centre' },
    }),
  ).setConsent;
  expect(result.userErrors).toEqual([]);
}

function abandoned(customerId: string, cartId = newId('cart')) {
  const payload = { cartId, customerId, channel: 'WEB', version: 3, lastActivityAt: '2026-11-22T08:00:00.000Z', totalQuantity: 2, subtotalMinor: 5998, currencyCode: 'EUR' };
  return { id: newId('evt'), type: 'cart.abandoned', producer: 'cart', aggregateId: cartId, occurredAt: new Date().toISOString(), payload: JSON.stringify(payload) };
}

const deliver = async (...events: object[]) => expectData(await h.as(callers.service('cart'))(RECEIVE, { events })).receiveCustomerEvents.accepted as number;
const timelineOf = async (customerId: string) =>
  expectData(await staff()(TIMELINE, { id: customerId })).customer.timeline.edges.map((edge: { node: unknown }) => edge.node);

describe('abandoned cart reminders', () => {
  it('records the abandoned cart and reminds once by the preferred channel the customer allowed, however often the event arrives', async () => {
    const email = `${newId('x').toLowerCase()}@example.com`;
    const customerId = await customerWith([
      { kind: 'EMAIL', value: email, verified: true },
      { kind: 'TELEGRAM', value: '424242', verified: true },
    ]);
    await setConsent(customerId, 'ANY', true);
    await setConsent(customerId, 'EMAIL', false);
    const event = abandoned(customerId);

    expect(await deliver(event)).toBe(1);
    expect(await deliver(event)).toBe(0);
    expect(sent.filter((reminder) => reminder.customerId === customerId)).toEqual([
      { customerId, cartId: JSON.parse(event.payload).cartId, contactChannel: 'TELEGRAM', address: '424242', message: expect.stringContaining('2 items') },
    ]);
    expect(await timelineOf(customerId)).toEqual([
      { kind: 'CART_ABANDONED', channel: 'WEB', provider: null, summary: 'Left a cart with 2 items (59.98 EUR)' },
      { kind: 'CART_REMINDER', channel: 'MESSENGER', provider: 'TELEGRAM', summary: 'Reminded about the abandoned cart by TELEGRAM' },
    ]);
  });

  it('sends nothing without a marketing grant or to an unverified address, but staff still see the abandoned cart', async () => {
    const noConsent = await customerWith([{ kind: 'EMAIL', value: `${newId('x').toLowerCase()}@example.com`, verified: true }]);
    const unverified = await customerWith([{ kind: 'EMAIL', value: `${newId('x').toLowerCase()}@example.com`, verified: false }]);
    await setConsent(unverified, 'EMAIL', true);
    expect(await deliver(abandoned(noConsent), abandoned(unverified))).toBe(2);
    expect(sent.filter((reminder) => reminder.customerId === noConsent || reminder.customerId === unverified)).toEqual([]);
    for (const customerId of [noConsent, unverified]) {
      expect((await timelineOf(customerId)).map((entry: { kind: string }) => entry.kind)).toEqual(['CART_ABANDONED']);
    }
  });

  it('keeps the event applied when the sender fails: the reminder is not sent twice on redelivery', async () => {
    const customerId = await customerWith([{ kind: 'EMAIL', value: `${newId('x').toLowerCase()}@example.com`, verified: true }]);
    await setConsent(customerId, 'EMAIL', true);
    const event = abandoned(customerId);
    failNextSend = true;
    expect(await deliver(event)).toBe(1);
    expect(await deliver(event)).toBe(0);
    expect(sent.filter((reminder) => reminder.customerId === customerId)).toEqual([]);
  });

  it('plans no reminder when reminders are off, so the timeline never claims one that did not go out', async () => {
    const quiet = await startCustomerHarness({ reminderSender: null });
    try {
      const deliverQuietly = async (...events: object[]) => expectData(await quiet.as(callers.service('cart'))(RECEIVE, { events })).receiveCustomerEvents.accepted as number;
      const identified = expectData(
        await quiet.as(callers.staff(agent.id, agent.homeLocationId, 'CALL_CENTER', 'SUPPORT_AGENT'))(
          `mutation($input: IdentifyCustomerInput!) { identifyCustomer(input: $input) { customer { id } } }`,
          { input: { identifiers: [{ kind: 'EMAIL', value: `${newId('x').toLowerCase()}@example.com`, verified: true }] } },
        ),
      ).identifyCustomer;
      const customerId = identified.customer.id as string;
      expectData(
        await quiet.as(callers.customer(customerId))(`mutation($input: SetConsentInput!) { setConsent(input: $input) { userErrors { code } } }`, {
          input: { purpose: 'MARKETING', contactChannel: 'EMAIL', granted: true, source: 'preference-centre' },
        }),
      );
      expect(await deliverQuietly(abandoned(customerId))).toBe(1);
      const timeline = expectData(await quiet.as(callers.staff(agent.id, agent.homeLocationId, 'CALL_CENTER', 'SUPPORT_AGENT'))(TIMELINE, { id: customerId })).customer.timeline.edges;
      expect(timeline.map((edge: { node: { kind: string } }) => edge.node.kind)).toEqual(['CART_ABANDONED']);
      expect(sent.filter((reminder) => reminder.customerId === customerId)).toEqual([]);
    } finally {
      await quiet.stop();
    }
  });
});
