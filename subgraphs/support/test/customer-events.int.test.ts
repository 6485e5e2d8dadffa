import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Caller } from '@omni/auth';
import { newId } from '@omni/db';
import type { RunningServer } from '@omni/graphql';
import { callers, createTestDatabase, expectData, onPostgresServer, signedSubgraphClient, TEST_SIGNING_SECRET, type TestDatabase } from '@omni/testing';
import { openSupportDatabase, type SupportDatabase } from '../src/db/database';
import { createSupportSubgraph } from '../src/server';
import { ANY_CUSTOMER_EXISTS } from './stand-ins';

let testDb: TestDatabase;
let database: SupportDatabase;
let server: RunningServer;

beforeAll(async () => {
  testDb = await createTestDatabase({ maxConnections: 10 });
  database = await openSupportDatabase(testDb.client);
  server = await createSupportSubgraph({ database, signingSecret: TEST_SIGNING_SECRET, ...ANY_CUSTOMER_EXISTS }).listen(0);
});

afterAll(async () => {
  await server?.stop();
  await testDb?.drop();
});

const asCaller = (caller: Caller) => signedSubgraphClient(server.url, TEST_SIGNING_SECRET, caller);

const RECEIVE = `mutation($events: [DomainEventInput!]!) { receiveSupportEvents(events: $events) { accepted } }`;
const START = `mutation($input: StartConversationInput!) { startConversation(input: $input) { conversation { id } userErrors { code } } }`;
const CONVERSATION = `query($id: ID!) { conversation(id: $id) { id customer { id } messages(first: 10) { edges { node { body } } } } }`;

function mergedEvent(survivorId: string, mergedId: string) {
  return {
    id: newId('evt'),
    type: 'customer.merged',
    producer: 'customer',
    aggregateId: survivorId,
    occurredAt: new Date().toISOString(),
    payload: JSON.stringify({ survivorId, mergedId, mergeId: newId('merge') }),
  };
}

async function conversationOf(customerId: string, body: string): Promise<string> {
  const started = expectData(await asCaller(callers.customer(customerId))(START, { input: { channel: 'WEB', body } })).startConversation;
  expect(started.userErrors).toEqual([]);
  return started.conversation.id as string;
}

const ownerOf = async (conversationId: string) =>
  expectData(await asCaller(callers.admin())(CONVERSATION, { id: conversationId })).conversation as { customer: { id: string }; messages: { edges: unknown[] } };

describe('receiveSupportEvents', () => {
  it('moves the merged customer’s conversations to the survivor, once', async () => {
    const [survivor, merged, bystander] = [newId('cus'), newId('cus'), newId('cus')];
    const kept = await conversationOf(survivor, 'Where is my parcel?');
    const moved = [await conversationOf(merged, 'Do you have this in blue?'), await conversationOf(merged, 'Thanks!')];
    const untouched = await conversationOf(bystander, 'Hello');

    const event = mergedEvent(survivor, merged);
    const service = asCaller(callers.service('customer'));
    expect(expectData(await service(RECEIVE, { events: [event] })).receiveSupportEvents.accepted).toBe(1);
    for (const id of [kept, ...moved]) expect((await ownerOf(id)).customer.id).toBe(survivor);
    expect((await ownerOf(moved[0]!)).messages.edges).toHaveLength(1);
    expect((await ownerOf(untouched)).customer.id).toBe(bystander);

    // A later conversation of the merged id (an old token) is not swept up by a redelivery.
    const late = await conversationOf(merged, 'Me again');
    expect(expectData(await service(RECEIVE, { events: [event] })).receiveSupportEvents.accepted).toBe(0);
    expect((await ownerOf(late)).customer.id).toBe(merged);
  });

  it('is internal: shoppers and staff are refused', async () => {
    const event = mergedEvent(newId('cus'), newId('cus'));
    for (const caller of [callers.customer(newId('cus')), callers.admin()]) {
      const result = await asCaller(caller)(RECEIVE, { events: [event] });
      expect(result.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
  });

  it.runIf(onPostgresServer())('applies an event delivered to two consumers at once only once', async () => {
    const [survivor, merged] = [newId('cus'), newId('cus')];
    const moved = await conversationOf(merged, 'Hi');
    const event = mergedEvent(survivor, merged);
    const service = asCaller(callers.service('customer'));
    const results = await Promise.all([service(RECEIVE, { events: [event] }), service(RECEIVE, { events: [event] })]);
    const accepted = results.map((result) => expectData(result).receiveSupportEvents.accepted as number);
    expect(accepted.sort()).toEqual([0, 1]);
    expect((await ownerOf(moved)).customer.id).toBe(survivor);
  });
});
