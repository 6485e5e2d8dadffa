import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoCustomer, demoStaffMember } from '@omni/demo-data';
import { createOutboxRelay, pendingEventCount, type DomainEvent } from '@omni/events';
import type { RunningServer } from '@omni/graphql';
import { callers, createTestDatabase, expectData, signedSubgraphClient, TEST_SIGNING_SECRET, type TestDatabase } from '@omni/testing';
import { openSupportDatabase, type SupportDatabase } from '../src/db/database';
import { outboxEvents } from '../src/db/schema';
import { createSupportSubgraph } from '../src/server';
import { ANY_CUSTOMER_EXISTS } from './stand-ins';

/** Messages publish `message.sent` to the outbox in the transaction that stores them. */
let testDb: TestDatabase;
let database: SupportDatabase;
let server: RunningServer;

beforeAll(async () => {
  testDb = await createTestDatabase();
  database = await openSupportDatabase(testDb.client);
  server = await createSupportSubgraph({ database, signingSecret: TEST_SIGNING_SECRET, ...ANY_CUSTOMER_EXISTS }).listen(0);
});

afterAll(async () => {
  await server?.stop();
  await testDb?.drop();
});

describe('message events', () => {
  it('publishes message.sent for the first message and every reply, and nothing for a refused message', async () => {
    const chen = demoCustomer('chen');
    const agent = demoStaffMember('support-agent');
    const asChen = signedSubgraphClient(server.url, TEST_SIGNING_SECRET, callers.customer(chen.id, 'MESSENGER'));
    const asAgent = signedSubgraphClient(server.url, TEST_SIGNING_SECRET, callers.staff(agent.id, agent.homeLocationId, 'CALL_CENTER', 'SUPPORT_AGENT'));
    const started = expectData(
      await asChen(`mutation($input: StartConversationInput!) { startConversation(input: $input) { conversation { id } message { id } } }`, {
        input: { provider: 'WHATSAPP', body: 'Is the parka waterproof?' },
      }),
    ).startConversation;
    const conversationId = started.conversation.id;
    const SEND = `mutation($input: SendMessageInput!) { sendMessage(input: $input) { message { id } userErrors { code } } }`;
    const reply = expectData(await asAgent(SEND, { input: { conversationId, body: 'Yes, fully.' } })).sendMessage;
    const refused = expectData(await asChen(SEND, { input: { conversationId, body: '' } })).sendMessage;
    expect(refused.userErrors).toEqual([{ code: 'INVALID' }]);
    // The customer's first message is also `message.received`, for the bot.
    expect(await pendingEventCount(database.db, outboxEvents)).toBe(3);

    const delivered: DomainEvent[] = [];
    const relay = createOutboxRelay({ db: database.db, outbox: outboxEvents, producer: 'support', deliver: async (events) => void delivered.push(...events) });
    await relay.drain();
    expect(delivered.map((event) => [event.type, event.payload])).toEqual([
      ['message.sent', { conversationId, messageId: started.message.id, customerId: chen.id, channel: 'MESSENGER', provider: 'WHATSAPP', authorKind: 'CUSTOMER' }],
      ['message.received', { conversationId, messageId: started.message.id, customerId: chen.id, channel: 'MESSENGER', provider: 'WHATSAPP', text: 'Is the parka waterproof?', conversationStatus: 'BOT' }],
      ['message.sent', { conversationId, messageId: reply.message.id, customerId: chen.id, channel: 'CALL_CENTER', provider: 'WHATSAPP', authorKind: 'AGENT' }],
    ]);
  });
});
