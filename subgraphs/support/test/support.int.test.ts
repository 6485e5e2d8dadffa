import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Caller } from '@omni/auth';
import { demoId } from '@omni/db';
import { demoConversation, demoCustomer, demoStaffMember } from '@omni/demo-data';
import type { RunningServer } from '@omni/graphql';
import {
  callers,
  createTestDatabase,
  expectData,
  onPostgresServer,
  signedSubgraphClient,
  TEST_SIGNING_SECRET,
  type TestDatabase,
} from '@omni/testing';
import { openSupportDatabase, type SupportDatabase } from '../src/db/database';
import { createSupportSubgraph } from '../src/server';
import { ANY_CUSTOMER_EXISTS } from './stand-ins';
import { seedSupportDemoData } from '../src/seed';

let testDb: TestDatabase;
let database: SupportDatabase;
let server: RunningServer;

const anna = demoCustomer('anna');
const ben = demoCustomer('ben');
const chen = demoCustomer('chen');
const dmitry = demoCustomer('dmitry');
const agent = demoStaffMember('support-agent');
const seeded = demoConversation();

beforeAll(async () => {
  testDb = await createTestDatabase();
  database = await openSupportDatabase(testDb.client);
  await seedSupportDemoData(database.db);
  // A second run must neither fail nor duplicate anything.
  await seedSupportDemoData(database.db);
  server = await createSupportSubgraph({ database, signingSecret: TEST_SIGNING_SECRET, ...ANY_CUSTOMER_EXISTS }).listen(0);
});

afterAll(async () => {
  await server?.stop();
  await testDb?.drop();
});

const asCaller = (caller: Caller) => signedSubgraphClient(server.url, TEST_SIGNING_SECRET, caller);
const asAgent = () => asCaller(callers.staff(agent.id, agent.homeLocationId, 'CALL_CENTER', 'SUPPORT_AGENT'));

const CONVERSATION = `query($id: ID!) {
  conversation(id: $id) {
    id channel provider subject status customer { id } assignee { id } createdAt lastMessageAt
    messages(first: 100) { edges { node { id body channel sentAt author { kind staffMember { id } } } } }
  }
}`;

const START = `mutation($input: StartConversationInput!) {
  startConversation(input: $input) {
    conversation { id channel provider subject status customer { id } assignee { id } }
    message { id body channel author { kind staffMember { id } } }
    userErrors { code field message }
  }
}`;

const SEND = `mutation($input: SendMessageInput!) {
  sendMessage(input: $input) {
    message { id body channel author { kind staffMember { id } } }
    conversation { id status assignee { id } lastMessageAt }
    userErrors { code field }
  }
}`;

const CLOSE = `mutation($input: CloseConversationInput!) {
  closeConversation(input: $input) { conversation { id status } userErrors { code field } }
}`;

const CUSTOMER_CONVERSATIONS = `query($reps: [_Any!]!, $first: Int, $after: String) {
  _entities(representations: $reps) {
    ... on Customer {
      id
      conversations(first: $first, after: $after) {
        edges { cursor node { id status lastMessageAt messages(first: 10) { edges { node { body author { kind } } } } } }
        pageInfo { hasNextPage hasPreviousPage endCursor }
      }
    }
  }
}`;

const customerRep = (id: string) => ({ __typename: 'Customer', id });

async function messageBodies(conversationId: string): Promise<string[]> {
  const data = expectData(await asAgent()(CONVERSATION, { id: conversationId }));
  return data.conversation.messages.edges.map((edge: { node: { body: string } }) => edge.node.body);
}

async function conversationIdsOf(customerId: string): Promise<string[]> {
  const data = expectData(await asAgent()(CUSTOMER_CONVERSATIONS, { reps: [customerRep(customerId)], first: 100 }));
  return data._entities[0].conversations.edges.map((edge: { node: { id: string } }) => edge.node.id);
}

async function startAs(caller: Caller, input: Record<string, unknown>) {
  const payload = expectData(await asCaller(caller)(START, { input })).startConversation;
  expect(payload.userErrors).toEqual([]);
  return payload;
}

describe('support subgraph: reading', () => {
  it('refuses a request without the gateway signature', async () => {
    const response = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ conversation(id: "x") { id } }' }),
    });
    expect(response.status).toBe(401);
  });

  it("shows Anna her seeded Telegram conversation, messages oldest first", async () => {
    const data = expectData(await asCaller(callers.customer(anna.id, 'MESSENGER'))(CONVERSATION, { id: seeded.id }));
    expect(data.conversation).toMatchObject({
      id: seeded.id,
      channel: 'MESSENGER',
      provider: 'TELEGRAM',
      subject: seeded.subject,
      status: 'ASSIGNED',
      customer: { id: anna.id },
      assignee: { id: agent.id },
      createdAt: '2026-11-01T09:00:00.000Z',
      lastMessageAt: '2026-11-01T09:04:00.000Z',
    });
    expect(data.conversation.messages.edges.map((e: { node: unknown }) => e.node)).toEqual(
      seeded.messages.map((m) => ({
        id: m.id,
        body: m.body,
        channel: 'MESSENGER',
        sentAt: new Date(Date.parse('2026-11-01T09:00:00.000Z') + m.minutesAfterStart * 60_000).toISOString(),
        author: { kind: m.author, staffMember: m.staffId ? { id: m.staffId } : null },
      })),
    );
  });

  it('lets only the customer themself and support staff read conversations', async () => {
    for (const caller of [callers.staff(agent.id, agent.homeLocationId, 'CALL_CENTER', 'SUPPORT_AGENT'), callers.admin()]) {
      expect(expectData(await asCaller(caller)(CONVERSATION, { id: seeded.id })).conversation.id).toBe(seeded.id);
      expect(expectData(await asCaller(caller)(CUSTOMER_CONVERSATIONS, { reps: [customerRep(anna.id)] }))._entities[0].conversations.edges).toHaveLength(1);
    }

    const refusals: [Caller, string][] = [
      [callers.customer(ben.id), 'FORBIDDEN'],
      [callers.partner(), 'FORBIDDEN'],
      [{ kind: 'guest', channel: 'WEB', guestId: 'guest_1', scopes: ['catalog:read'] }, 'FORBIDDEN'],
      // A staff token without support:read (e.g. a narrowly scoped POS key) is refused too.
      [{ ...callers.staff(agent.id, agent.homeLocationId, 'CALL_CENTER', 'SUPPORT_AGENT'), scopes: ['catalog:read', 'carts:read'] }, 'FORBIDDEN'],
      [callers.anonymous(), 'UNAUTHENTICATED'],
    ];
    for (const [caller, code] of refusals) {
      const direct = await asCaller(caller)(CONVERSATION, { id: seeded.id });
      expect(direct.data?.conversation ?? null).toBeNull();
      expect(direct.errors?.[0]?.extensions?.code).toBe(code);

      const viaCustomer = await asCaller(caller)(CUSTOMER_CONVERSATIONS, { reps: [customerRep(anna.id)] });
      expect(viaCustomer.errors?.[0]?.extensions?.code).toBe(code);
      expect(JSON.stringify(viaCustomer.data ?? null)).not.toContain(seeded.id);

      const viaReference = await asCaller(caller)(`query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Conversation { id subject } } }`, {
        reps: [{ __typename: 'Conversation', id: seeded.id }],
      });
      expect(viaReference.errors?.[0]?.extensions?.code).toBe(code);
      expect(JSON.stringify(viaReference.data ?? null)).not.toContain(seeded.subject);
    }
  });

  it('returns null for an unknown conversation', async () => {
    expect(expectData(await asAgent()(CONVERSATION, { id: 'conv_missing' })).conversation).toBeNull();
  });
});

describe('support subgraph: starting conversations', () => {
  it('lets a customer start their own conversation, which the bot answers first', async () => {
    const payload = await startAs(callers.customer(ben.id, 'MOBILE_APP'), { provider: ' whatsapp ', subject: 'Delivery', body: '  Where is my order?  ' });
    expect(payload.conversation).toMatchObject({
      channel: 'MOBILE_APP',
      provider: 'WHATSAPP',
      subject: 'Delivery',
      status: 'BOT',
      customer: { id: ben.id },
      assignee: null,
    });
    expect(payload.conversation.id).toMatch(/^conv_[0-9a-z]{26}$/);
    expect(payload.message).toMatchObject({ body: 'Where is my order?', channel: 'MOBILE_APP', author: { kind: 'CUSTOMER', staffMember: null } });
    expect(await conversationIdsOf(ben.id)).toContain(payload.conversation.id);
  });

  it('lets an agent open a conversation for a customer, assigned to the agent', async () => {
    const payload = await startAs(callers.staff(agent.id, agent.homeLocationId, 'CALL_CENTER', 'SUPPORT_AGENT'), {
      customerId: chen.id,
      body: 'Following up on your call: the replacement ships today.',
    });
    expect(payload.conversation).toMatchObject({ channel: 'CALL_CENTER', provider: null, status: 'ASSIGNED', customer: { id: chen.id }, assignee: { id: agent.id } });
    expect(payload.message.author).toEqual({ kind: 'AGENT', staffMember: { id: agent.id } });
  });

  it('refuses invalid input and other customers with userErrors, creating nothing', async () => {
    const before = await conversationIdsOf(ben.id);
    const cases: [Caller, Record<string, unknown>, { code: string; field: string }[]][] = [
      [callers.customer(ben.id), { body: '   ', provider: 'not a provider!', subject: '' }, [
        { code: 'INVALID', field: 'input.provider' },
        { code: 'INVALID', field: 'input.subject' },
        { code: 'INVALID', field: 'input.body' },
      ]],
      [callers.customer(ben.id), { body: 'x'.repeat(4001) }, [{ code: 'INVALID', field: 'input.body' }]],
      [callers.customer(anna.id), { customerId: ben.id, body: 'Pretending to be Ben' }, [{ code: 'FORBIDDEN', field: 'input.customerId' }]],
      [callers.staff(agent.id, agent.homeLocationId, 'CALL_CENTER', 'SUPPORT_AGENT'), { body: 'For whom?' }, [{ code: 'INVALID', field: 'input.customerId' }]],
      [callers.staff(agent.id, agent.homeLocationId, 'CALL_CENTER', 'SUPPORT_AGENT'), { customerId: 'ben', body: 'Bad id' }, [{ code: 'INVALID', field: 'input.customerId' }]],
      // Well formed, but the customer subgraph knows nobody by it.
      [callers.staff(agent.id, agent.homeLocationId, 'CALL_CENTER', 'SUPPORT_AGENT'), { customerId: `cus_${'0'.repeat(22)}gone`, body: 'Hello?' }, [{ code: 'NOT_FOUND', field: 'input.customerId' }]],
    ];
    for (const [caller, input, expected] of cases) {
      const payload = expectData(await asCaller(caller)(START, { input })).startConversation;
      expect(payload.conversation).toBeNull();
      expect(payload.userErrors.map((e: { code: string; field: string[] }) => ({ code: e.code, field: e.field.join('.') }))).toEqual(expected);
    }
    expect(await conversationIdsOf(ben.id)).toEqual(before);
  });

  it('refuses callers that can never write', async () => {
    for (const [caller, code] of [
      [callers.partner(), 'FORBIDDEN'],
      [callers.anonymous(), 'UNAUTHENTICATED'],
      [{ ...callers.staff(agent.id, agent.homeLocationId, 'CALL_CENTER', 'SUPPORT_AGENT'), scopes: ['support:read'] } as Caller, 'FORBIDDEN'],
    ] as const) {
      const response = await asCaller(caller)(START, { input: { customerId: ben.id, body: 'Hello' } });
      expect(response.errors?.[0]?.extensions?.code).toBe(code);
    }
  });
});

describe('support subgraph: messages', () => {
  it('appends messages by the caller and moves the status between customer and agent', async () => {
    const { conversation } = await startAs(callers.customer(dmitry.id, 'SOCIAL'), { provider: 'VK', body: 'Do you ship to Kazan?' });

    const reply = expectData(await asAgent()(SEND, { input: { conversationId: conversation.id, body: 'Yes, in 5 to 7 days.' } })).sendMessage;
    expect(reply.userErrors).toEqual([]);
    expect(reply.message).toMatchObject({ body: 'Yes, in 5 to 7 days.', channel: 'CALL_CENTER', author: { kind: 'AGENT', staffMember: { id: agent.id } } });
    expect(reply.conversation).toMatchObject({ status: 'ASSIGNED', assignee: { id: agent.id } });

    const followUp = expectData(await asCaller(callers.customer(dmitry.id, 'SOCIAL'))(SEND, { input: { conversationId: conversation.id, body: 'Great, thanks!' } })).sendMessage;
    // The agent keeps the conversation while the customer answers.
    expect(followUp.conversation).toMatchObject({ status: 'ASSIGNED', assignee: { id: agent.id } });
    expect(Date.parse(followUp.conversation.lastMessageAt)).toBeGreaterThanOrEqual(Date.parse(reply.conversation.lastMessageAt));

    expect(await messageBodies(conversation.id)).toEqual(['Do you ship to Kazan?', 'Yes, in 5 to 7 days.', 'Great, thanks!']);
  });

  it("refuses writing into someone else's conversation or an unknown one", async () => {
    const intruder = expectData(await asCaller(callers.customer(ben.id))(SEND, { input: { conversationId: seeded.id, body: 'Hi Anna' } })).sendMessage;
    expect(intruder).toEqual({ message: null, conversation: null, userErrors: [{ code: 'FORBIDDEN', field: ['input', 'conversationId'] }] });
    const unknown = expectData(await asAgent()(SEND, { input: { conversationId: 'conv_missing', body: 'Hello?' } })).sendMessage;
    expect(unknown.userErrors).toEqual([{ code: 'NOT_FOUND', field: ['input', 'conversationId'] }]);
    expect(await messageBodies(seeded.id)).toEqual(seeded.messages.map((m) => m.body));
  });

  it('returns the first message when the same idempotency key is replayed', async () => {
    const { conversation } = await startAs(callers.customer(ben.id), { body: 'First' });
    const client = asCaller(callers.customer(ben.id));
    const input = { conversationId: conversation.id, body: 'Is the jacket in stock?', idempotencyKey: 'retry-1' };

    const first = expectData(await client(SEND, { input })).sendMessage;
    const replay = expectData(await client(SEND, { input })).sendMessage;
    expect(first.userErrors).toEqual([]);
    expect(replay.message).toEqual(first.message);
    expect(await messageBodies(conversation.id)).toEqual(['First', 'Is the jacket in stock?']);

    const otherBody = expectData(await client(SEND, { input: { ...input, body: 'Something else' } })).sendMessage;
    expect(otherBody.userErrors).toEqual([{ code: 'IDEMPOTENCY_KEY_REUSED', field: ['input', 'idempotencyKey'] }]);
    const otherAuthor = expectData(await asAgent()(SEND, { input })).sendMessage;
    expect(otherAuthor.userErrors).toEqual([{ code: 'IDEMPOTENCY_KEY_REUSED', field: ['input', 'idempotencyKey'] }]);

    // Keys are scoped to their conversation.
    const elsewhere = await startAs(callers.customer(ben.id), { body: 'Another topic' });
    const sameKeyElsewhere = expectData(await client(SEND, { input: { ...input, conversationId: elsewhere.conversation.id } })).sendMessage;
    expect(sameKeyElsewhere.userErrors).toEqual([]);
    expect(sameKeyElsewhere.message.id).not.toBe(first.message.id);
    expect(await messageBodies(conversation.id)).toEqual(['First', 'Is the jacket in stock?']);
  });

  it('reopens a closed conversation for the bot on a new customer message, and answers replays', async () => {
    const { conversation } = await startAs(callers.customer(ben.id), { body: 'Can I return this?' });
    const client = asCaller(callers.customer(ben.id));
    const sent = expectData(await client(SEND, { input: { conversationId: conversation.id, body: 'Order 123', idempotencyKey: 'k' } })).sendMessage;

    const intruder = expectData(await asCaller(callers.customer(anna.id))(CLOSE, { input: { conversationId: conversation.id } })).closeConversation;
    expect(intruder).toEqual({ conversation: null, userErrors: [{ code: 'FORBIDDEN', field: ['input', 'conversationId'] }] });

    const closed = expectData(await asAgent()(CLOSE, { input: { conversationId: conversation.id } })).closeConversation;
    expect(closed).toEqual({ conversation: { id: conversation.id, status: 'RESOLVED' }, userErrors: [] });
    const closedAgain = expectData(await client(CLOSE, { input: { conversationId: conversation.id } })).closeConversation;
    expect(closedAgain).toEqual(closed);

    const replay = expectData(await client(SEND, { input: { conversationId: conversation.id, body: 'Order 123', idempotencyKey: 'k' } })).sendMessage;
    expect(replay.message.id).toBe(sent.message.id);
    expect(replay.conversation.status).toBe('RESOLVED');
    const late = expectData(await client(SEND, { input: { conversationId: conversation.id, body: 'Hello?' } })).sendMessage;
    expect(late.userErrors).toEqual([]);
    expect(late.conversation).toMatchObject({ status: 'BOT', assignee: null });
    expect(await messageBodies(conversation.id)).toEqual(['Can I return this?', 'Order 123', 'Hello?']);
  });

  it('validates the message body', async () => {
    const payload = expectData(await asAgent()(SEND, { input: { conversationId: seeded.id, body: '' } })).sendMessage;
    expect(payload.userErrors).toEqual([{ code: 'INVALID', field: ['input', 'body'] }]);
    expect(await messageBodies(seeded.id)).toHaveLength(seeded.messages.length);
  });
});

describe('support subgraph: pagination', () => {
  it('pages messages oldest first with keyset cursors', async () => {
    const { conversation } = await startAs(callers.customer(chen.id), { body: 'm1' });
    for (const body of ['m2', 'm3', 'm4', 'm5']) {
      expectData(await asCaller(callers.customer(chen.id))(SEND, { input: { conversationId: conversation.id, body } }));
    }
    const query = `query($id: ID!, $first: Int, $after: String) {
      conversation(id: $id) { messages(first: $first, after: $after) { edges { node { body } } pageInfo { hasNextPage hasPreviousPage endCursor } } }
    }`;
    const bodies: string[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const page: any = expectData(await asCaller(callers.customer(chen.id))(query, { id: conversation.id, first: 2, after })).conversation.messages;
      bodies.push(...page.edges.map((e: { node: { body: string } }) => e.node.body));
      expect(page.pageInfo.hasPreviousPage).toBe(after !== null);
      pages += 1;
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(bodies).toEqual(['m1', 'm2', 'm3', 'm4', 'm5']);
    expect(pages).toBe(3);

    const tooMany = await asCaller(callers.customer(chen.id))(query, { id: conversation.id, first: 101 });
    expect(tooMany.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const forged = await asCaller(callers.customer(chen.id))(query, { id: conversation.id, first: 2, after: Buffer.from('"x"').toString('base64url') });
    expect(forged.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it("pages a customer's conversations by newest activity, and new activity moves a conversation to the top", async () => {
    const customerId = demoId('cus', 'pagination', 50);
    const started: string[] = [];
    for (const body of ['oldest', 'middle', 'newest']) {
      started.push((await startAs(callers.staff(agent.id, agent.homeLocationId, 'CALL_CENTER', 'SUPPORT_AGENT'), { customerId, body })).conversation.id);
      // Distinct milliseconds make the expected order independent of id tie-breaks.
      await new Promise((resolve) => setTimeout(resolve, 5));
    }

    const pageThrough = async () => {
      const ids: string[] = [];
      let after: string | null = null;
      for (;;) {
        const page: any = expectData(await asAgent()(CUSTOMER_CONVERSATIONS, { reps: [customerRep(customerId)], first: 1, after }))._entities[0].conversations;
        ids.push(...page.edges.map((e: { node: { id: string } }) => e.node.id));
        if (!page.pageInfo.hasNextPage) return ids;
        after = page.pageInfo.endCursor;
      }
    };
    expect(await pageThrough()).toEqual([...started].reverse());

    expectData(await asAgent()(SEND, { input: { conversationId: started[0], body: 'news' } }));
    expect(await pageThrough()).toEqual([started[0], started[2], started[1]]);
  });
});

describe('support subgraph: batching', () => {
  it('loads conversations and messages of 1 or 50 customers with the same number of statements', async () => {
    const customerIds = Array.from({ length: 50 }, (_, i) => demoId('cus', `batch-${i}`, 100 + i));
    for (const customerId of customerIds.slice(0, 12)) {
      const { conversation } = await startAs(callers.staff(agent.id, agent.homeLocationId, 'CALL_CENTER', 'SUPPORT_AGENT'), { customerId, body: `hello ${customerId}` });
      expectData(await asAgent()(SEND, { input: { conversationId: conversation.id, body: 'second' } }));
    }

    let before = database.statements.total;
    const one = expectData(await asAgent()(CUSTOMER_CONVERSATIONS, { reps: [customerRep(customerIds[0]!)], first: 5 }));
    const statementsForOne = database.statements.total - before;
    expect(one._entities[0].conversations.edges[0].node.messages.edges.map((e: { node: { body: string } }) => e.node.body)).toEqual([
      `hello ${customerIds[0]}`,
      'second',
    ]);

    before = database.statements.total;
    const many = expectData(await asAgent()(CUSTOMER_CONVERSATIONS, { reps: customerIds.map(customerRep), first: 5 }));
    const statementsForMany = database.statements.total - before;

    // One statement for every customer's conversations, one for every conversation's messages.
    expect(statementsForOne).toBe(2);
    expect(statementsForMany).toBe(2);
    expect(many._entities.map((c: { id: string }) => c.id)).toEqual(customerIds);
    const withConversations = many._entities.filter((c: any) => c.conversations.edges.length > 0);
    expect(withConversations).toHaveLength(12);
    for (const customer of withConversations) {
      expect(customer.conversations.edges[0].node.messages.edges).toHaveLength(2);
    }
  });

  it('resolves many Conversation references in one statement', async () => {
    const ids = [seeded.id, ...(await conversationIdsOf(ben.id))];
    const before = database.statements.total;
    const data = expectData(
      await asAgent()(`query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Conversation { id customer { id } } } }`, {
        reps: ids.map((id) => ({ __typename: 'Conversation', id })),
      }),
    );
    expect(database.statements.total - before).toBe(1);
    expect(data._entities.map((c: { id: string }) => c.id)).toEqual(ids);
  });
});

describe('support subgraph: concurrency', () => {
  it.skipIf(!onPostgresServer())('stores one message when the same send is retried concurrently', async () => {
    const { conversation } = await startAs(callers.customer(anna.id), { body: 'Concurrent retries' });
    const client = asCaller(callers.customer(anna.id));
    const input = { conversationId: conversation.id, body: 'Only once, please', idempotencyKey: 'burst' };
    const results = await Promise.all(Array.from({ length: 12 }, () => client(SEND, { input })));
    const ids = new Set(results.map((r) => expectData(r).sendMessage.message.id));
    expect(ids.size).toBe(1);
    expect(await messageBodies(conversation.id)).toEqual(['Concurrent retries', 'Only once, please']);
  });

  it.skipIf(!onPostgresServer())('gives concurrent sends to one conversation consecutive positions and loses none', async () => {
    const { conversation } = await startAs(callers.customer(anna.id), { body: 'm0' });
    const client = asCaller(callers.customer(anna.id));
    const bodies = Array.from({ length: 15 }, (_, i) => `parallel ${i}`);
    const results = await Promise.all(bodies.map((body) => client(SEND, { input: { conversationId: conversation.id, body } })));
    for (const result of results) expect(expectData(result).sendMessage.userErrors).toEqual([]);

    const stored = await messageBodies(conversation.id);
    expect(stored).toHaveLength(16);
    expect(new Set(stored)).toEqual(new Set(['m0', ...bodies]));
    const latest = expectData(await asAgent()(CONVERSATION, { id: conversation.id })).conversation;
    expect(latest.lastMessageAt).toBe(latest.messages.edges.map((e: { node: { sentAt: string } }) => e.node.sentAt).sort().at(-1));
  });
});
