import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { count } from 'drizzle-orm';
import { demoStaffMember } from '@omni/demo-data';
import type { RunningServer } from '@omni/graphql';
import { callers, createTestDatabase, expectData, signedSubgraphClient, TEST_SIGNING_SECRET, type TestDatabase } from '@omni/testing';
import { openSupportDatabase, type SupportDatabase } from '../src/db/database';
import { messages } from '../src/db/schema';
import { createOutboundWorker } from '../src/outbound/outbound-worker';
import { createLogAdapter, createTelegramAdapter } from '../src/outbound/provider-adapters';
import { createSupportSubgraph } from '../src/server';
import { ANY_CUSTOMER_EXISTS } from './stand-ins';

let testDb: TestDatabase;
let database: SupportDatabase;
let server: RunningServer;
let fakeTelegram: Server;
let telegramUrl: string;
/** What the fake Bot API received, and how it answers the next calls (500s first, then 200). */
const telegramCalls: { path: string; body: { chat_id: string; text: string }; answered: number }[] = [];
let failuresToServe = 0;

beforeAll(async () => {
  testDb = await createTestDatabase();
  database = await openSupportDatabase(testDb.client);
  server = await createSupportSubgraph({ database, signingSecret: TEST_SIGNING_SECRET, ...ANY_CUSTOMER_EXISTS }).listen(0);
  fakeTelegram = createServer((request, response) => {
    let raw = '';
    request.on('data', (chunk) => (raw += chunk));
    request.on('end', () => {
      const failing = failuresToServe > 0;
      telegramCalls.push({ path: request.url ?? '', body: JSON.parse(raw), answered: failing ? 500 : 200 });
      if (failing) {
        failuresToServe -= 1;
        response.writeHead(500, { 'content-type': 'application/json' }).end('{"ok":false}');
        return;
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true,"result":{"message_id":1}}');
    });
  });
  await new Promise<void>((resolve) => fakeTelegram.listen(0, '127.0.0.1', resolve));
  telegramUrl = `http://127.0.0.1:${(fakeTelegram.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await server?.stop();
  await new Promise((resolve) => fakeTelegram?.close(resolve));
  await testDb?.drop();
});

const agent = demoStaffMember('support-agent');
const otherAgent = demoStaffMember('berlin-manager');
const asMessenger = () => signedSubgraphClient(server.url, TEST_SIGNING_SECRET, callers.service('messenger'));
const asAgent = (member = agent) => signedSubgraphClient(server.url, TEST_SIGNING_SECRET, callers.staff(member.id, member.homeLocationId, 'CALL_CENTER', member.role));

const RECEIVE = `mutation($input: InboundMessageInput!) { receiveInboundMessage(input: $input) { conversationId messageId customerId duplicate conversationStatus userErrors { code field } } }`;
const BOT = `mutation($input: PostBotMessageInput!) { postBotMessage(input: $input) { message { id author { kind } } userErrors { code } } }`;
const HAND_OFF = `mutation($input: HandOffConversationInput!) { handOffConversation(input: $input) { conversation { status handOff { reason summary } waitingSince } message { body author { kind } } userErrors { code } } }`;
const QUEUE = `query($filter: ConversationFilter) { conversations(filter: $filter, first: 100) { edges { node { id status assignee { id } } } } }`;
const TAKE = `mutation($id: ID!) { takeConversation(input: { conversationId: $id }) { conversation { status assignee { id } } userErrors { code } } }`;
const TRANSFER = `mutation($id: ID!, $staffId: ID!) { transferConversation(input: { conversationId: $id, staffId: $staffId }) { conversation { status assignee { id } } userErrors { code } } }`;
const RESOLVE = `mutation($id: ID!) { resolveConversation(input: { conversationId: $id }) { conversation { status } userErrors { code } } }`;
const SEND = `mutation($input: SendMessageInput!) { sendMessage(input: $input) { message { id deliveryStatus deliveryAttempts } conversation { status firstResponseAt slaBreached } userErrors { code } } }`;
const DELIVERY = `query($id: ID!) { conversation(id: $id) { messages(first: 100) { edges { node { id author { kind } deliveryStatus deliveryAttempts } } } } }`;

let sequence = 0;
const telegramMessage = (text: string, overrides: Record<string, unknown> = {}) => ({
  channel: 'MESSENGER',
  provider: 'TELEGRAM',
  senderExternalId: '5550001',
  senderName: 'Anna',
  threadId: '5550001',
  text,
  sentAt: new Date().toISOString(),
  providerMessageId: `tg-${++sequence}`,
  ...overrides,
});
const storedMessages = async () => (await database.db.select({ n: count() }).from(messages))[0]!.n;

describe('inbound messages', () => {
  it('stores a message replayed 5 times, also concurrently, once', async () => {
    const input = telegramMessage('Where is my order?');
    const before = await storedMessages();
    const answers = await Promise.all(Array.from({ length: 5 }, () => asMessenger()(RECEIVE, { input })));
    const payloads = answers.map((answer) => expectData(answer).receiveInboundMessage);
    expect(payloads.every((payload) => payload.userErrors.length === 0)).toBe(true);
    expect(new Set(payloads.map((payload) => payload.messageId)).size).toBe(1);
    expect(payloads.filter((payload) => !payload.duplicate)).toHaveLength(1);
    const again = expectData(await asMessenger()(RECEIVE, { input })).receiveInboundMessage;
    expect(again).toMatchObject({ duplicate: true, messageId: payloads[0].messageId, conversationStatus: 'BOT', customerId: 'cus_sender_5550001' });
    expect(await storedMessages()).toBe(before + 1);
  });

  it('refuses bad input and other callers, storing nothing', async () => {
    const before = await storedMessages();
    const cases: [Record<string, unknown>, string[]][] = [
      [{ text: '   ' }, ['input', 'text']],
      [{ text: 'x'.repeat(100_000) }, ['input', 'text']],
      [{ senderExternalId: '@anna' }, ['input', 'senderExternalId']],
      [{ threadId: 'chat-1' }, ['input', 'threadId']],
      [{ provider: 'PHONE', senderExternalId: '12' }, ['input', 'senderExternalId']],
    ];
    for (const [overrides, field] of cases) {
      const payload = expectData(await asMessenger()(RECEIVE, { input: telegramMessage('Hi', overrides) })).receiveInboundMessage;
      expect(payload.userErrors.map((error: { field: string[] }) => error.field)).toContainEqual(field);
      expect(payload.messageId).toBeNull();
    }
    for (const caller of [callers.service('cart'), callers.staff(agent.id, agent.homeLocationId, 'CALL_CENTER', 'SUPPORT_AGENT')]) {
      const response = await signedSubgraphClient(server.url, TEST_SIGNING_SECRET, caller)(RECEIVE, { input: telegramMessage('Hi') });
      expect(response.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
    expect(await storedMessages()).toBe(before);
  });
});

describe('hand-off and the agents\u2019 inbox', () => {
  it('queues a handed-off conversation, tells the customer, and takes it out of the queue once taken', async () => {
    const sender = { senderExternalId: '5550002', threadId: '5550002' };
    const first = expectData(await asMessenger()(RECEIVE, { input: telegramMessage('позовите оператора', sender) })).receiveInboundMessage;
    const id = first.conversationId;
    expect(expectData(await asMessenger()(BOT, { input: { conversationId: id, text: 'Сейчас позову.', intent: 'human' } })).postBotMessage.message.author.kind).toBe('BOT');
    const handed = expectData(await asMessenger()(HAND_OFF, { input: { conversationId: id, reason: 'CUSTOMER_ASKED', summary: 'Anna asks for a person; cart empty.' } })).handOffConversation;
    expect(handed.conversation).toMatchObject({ status: 'WAITING_FOR_AGENT', handOff: { reason: 'CUSTOMER_ASKED', summary: 'Anna asks for a person; cart empty.' } });
    expect(handed.message).toEqual({ body: expect.stringMatching(/сотрудник/), author: { kind: 'BOT' } });

    const waiting = async () => expectData(await asAgent()(QUEUE, { filter: { status: 'WAITING_FOR_AGENT' } })).conversations.edges.map((edge: { node: { id: string } }) => edge.node.id);
    expect(await waiting()).toContain(id);
    expect(expectData(await asAgent()(TAKE, { id })).takeConversation).toEqual({ conversation: { status: 'ASSIGNED', assignee: { id: agent.id } }, userErrors: [] });
    expect(await waiting()).not.toContain(id);
    expect(expectData(await asAgent(otherAgent)(TAKE, { id })).takeConversation.userErrors).toEqual([{ code: 'INVALID_STATE' }]);
    const mine = expectData(await asAgent()(QUEUE, { filter: { assigneeId: agent.id } })).conversations.edges.map((edge: { node: { id: string } }) => edge.node.id);
    expect(mine).toContain(id);

    expect(expectData(await asAgent()(TRANSFER, { id, staffId: otherAgent.id })).transferConversation.conversation.assignee).toEqual({ id: otherAgent.id });
    const answered = expectData(await asAgent(otherAgent)(SEND, { input: { conversationId: id, body: 'Здравствуйте, Анна!' } })).sendMessage;
    expect(answered.conversation).toMatchObject({ status: 'ASSIGNED', slaBreached: false });
    expect(answered.conversation.firstResponseAt).not.toBeNull();
    expect(expectData(await asAgent()(RESOLVE, { id })).resolveConversation.conversation.status).toBe('RESOLVED');
    const reopened = expectData(await asMessenger()(RECEIVE, { input: telegramMessage('И ещё вопрос', sender) })).receiveInboundMessage;
    expect(reopened).toMatchObject({ conversationId: id, conversationStatus: 'BOT' });
    // The bot cannot hand off what an agent holds, and nobody but the messenger service posts as the bot.
    const refused = await asAgent()(BOT, { input: { conversationId: id, text: 'Hi' } });
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('sends an agent reply to the fake Telegram API exactly once, also when the first attempt fails', async () => {
    // Replies of the earlier tests leave first, through the log adapter, so only this one reaches the fake API.
    await createOutboundWorker({ client: database.client, adapters: { TELEGRAM: createLogAdapter(() => {}) } }).runOnce();
    const sender = { senderExternalId: '5550003', threadId: '5550003' };
    const id = expectData(await asMessenger()(RECEIVE, { input: telegramMessage('Is my parcel shipped?', sender) })).receiveInboundMessage.conversationId;
    const reply = expectData(await asAgent()(SEND, { input: { conversationId: id, body: 'Yes, this morning.' } })).sendMessage;
    expect(reply.message).toMatchObject({ deliveryStatus: 'PENDING', deliveryAttempts: 0 });

    failuresToServe = 1;
    telegramCalls.length = 0;
    const worker = createOutboundWorker({ client: database.client, adapters: { TELEGRAM: createTelegramAdapter({ apiUrl: telegramUrl, botToken: 'test-token' }) }, retryDelayMs: () => 0, onError: () => {} });
    for (let round = 0; round < 5 && (await worker.pending()) > 0; round += 1) await worker.runOnce();
    await worker.runOnce();

    expect(telegramCalls).toEqual([
      { path: '/bottest-token/sendMessage', body: { chat_id: '5550003', text: 'Yes, this morning.' }, answered: 500 },
      { path: '/bottest-token/sendMessage', body: { chat_id: '5550003', text: 'Yes, this morning.' }, answered: 200 },
    ]);
    const delivered = expectData(await asAgent()(DELIVERY, { id })).conversation.messages.edges.map((edge: { node: unknown }) => edge.node);
    expect(delivered).toEqual([
      { id: expect.any(String), author: { kind: 'CUSTOMER' }, deliveryStatus: null, deliveryAttempts: 0 },
      { id: reply.message.id, author: { kind: 'AGENT' }, deliveryStatus: 'SENT', deliveryAttempts: 2 },
    ]);
  });
});
