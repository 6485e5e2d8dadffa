import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { mintAccessToken } from '@omni/auth';
import { DEMO_LOCATIONS, demoCatalog, demoCustomer, demoStaffMember } from '@omni/demo-data';
import { createMessengerIngress, type RunningIngress } from '@omni/messenger-ingress';
import { expectData, gatewayClient, TEST_SIGNING_SECRET, TEST_TOKEN_SECRET } from '@omni/testing';
import { startTestSupergraph, type TestSupergraph } from './support/test-supergraph';

/**
 * Issue 11, the agent's side through the gateway: a Telegram chat and a logged phone call in one
 * conversation, the agent's one query (constant cost whatever the history), the agent building
 * the customer's cart and handing over an offer, and the refusals of bad input.
 */
let supergraph: TestSupergraph;
let ingress: RunningIngress;

const TELEGRAM_SECRET = 'e2e-conversation-telegram-secret';
const AGENT_QUERY = readFileSync(new URL('../../../examples/support-conversation.graphql', import.meta.url), 'utf8');
const AGENT = demoStaffMember('support-agent');
const OTHER_AGENT = demoStaffMember('berlin-manager');
const BERLIN = DEMO_LOCATIONS.find((location) => location.key === 'berlin-mitte')!.id;
const VARIANTS = demoCatalog().products.map((product) => product.variants[0]!);

beforeAll(async () => {
  // Hundreds of calls build the long histories; the gateway's budgets are not what is tested here.
  supergraph = await startTestSupergraph({ rateLimits: false });
  ingress = await createMessengerIngress({
    supportUrl: supergraph.subgraphUrls.support,
    gatewayUrl: supergraph.gatewayUrl,
    signingSecret: TEST_SIGNING_SECRET,
    tokenSecret: TEST_TOKEN_SECRET,
    providers: { telegramWebhookSecret: TELEGRAM_SECRET },
  }).listen(0);
});

afterAll(async () => {
  await ingress?.stop();
  await supergraph?.close();
});

const agent = () => supergraph.as('staff', 'support-agent', 'CALL_CENTER');

let telegramMessageId = 9_000;
/** A Telegram `Update` with a text message from `userId` in their private chat, through the ingress. */
async function sendTelegram(userId: number, text: string): Promise<{ conversationId: string; messageId: string }> {
  telegramMessageId += 1;
  const update = {
    update_id: telegramMessageId,
    message: { message_id: telegramMessageId, from: { id: userId, is_bot: false, first_name: 'Elena' }, chat: { id: userId, type: 'private' }, date: Math.floor(Date.now() / 1000), text },
  };
  const response = await fetch(new URL('telegram', ingress.url), {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': TELEGRAM_SECRET },
    body: JSON.stringify(update),
  });
  expect(response.status).toBe(200);
  const stored = ((await response.json()) as { stored: { conversationId: string; messageId: string }[] }).stored[0]!;
  await ingress.botIdle();
  return stored;
}

const IDENTIFY = `mutation($input: IdentifyCustomerInput!) { identifyCustomer(input: $input) { customer { id } userErrors { code } } }`;
const LOG_CONTACT = `mutation($input: LogCustomerContactInput!) { logCustomerContact(input: $input) { conversationId messageId customerId duplicate userErrors { code field } } }`;
const SEND = `mutation($input: SendMessageInput!) { sendMessage(input: $input) { message { id body offerCode author { kind staffMember { id } } } userErrors { code field } } }`;
const CREATE_CART = `mutation($input: CreateCartInput!) { createCart(input: $input) { cart { id channel } userErrors { code message } } }`;
const ADD_LINES = `mutation($input: AddCartLinesInput!) { addCartLines(input: $input) { cart { id } userErrors { code message } } }`;
const RESOLVE = `mutation($id: ID!) { resolveConversation(input: { conversationId: $id }) { conversation { status resolvedAt } userErrors { code } } }`;
const ASSIGN = `mutation($input: AssignConversationInput!) { assignConversation(input: $input) { conversation { status assignee { id } } userErrors { code field } } }`;
const TRANSFER = `mutation($input: TransferConversationInput!) { transferConversation(input: $input) { conversation { status assignee { id } } userErrors { code field } } }`;

async function newCustomer(email: string): Promise<string> {
  const identified = expectData(await (await agent())(IDENTIFY, { input: { identifiers: [{ kind: 'EMAIL', value: email, verified: true }], firstName: 'Probe' } })).identifyCustomer;
  expect(identified.userErrors).toEqual([]);
  return identified.customer.id as string;
}

let contactKey = 0;
async function logCall(customerId: string, text: string): Promise<{ conversationId: string; messageId: string }> {
  contactKey += 1;
  const logged = expectData(await (await agent())(LOG_CONTACT, { input: { customerId, provider: 'PHONE', text, idempotencyKey: `call-${String(contactKey).padStart(6, '0')}` } })).logCustomerContact;
  expect(logged.userErrors).toEqual([]);
  return logged;
}

/** The agent opens a cart for the customer in the conversation's channel and adds lines to it. */
async function buildCartAsAgent(customerId: string, channel: string, variantIds: string[]): Promise<string> {
  const client = await agent();
  const created = expectData(await client(CREATE_CART, { input: { customerId, channel } })).createCart;
  expect(created.userErrors).toEqual([]);
  const cartId = created.cart.id as string;
  const added = expectData(await client(ADD_LINES, { input: { cartId, lines: variantIds.map((variantId) => ({ variantId, quantity: 1 })) } })).addCartLines;
  expect(added.userErrors).toEqual([]);
  return cartId;
}

/** Waits until every domain event is delivered and no statement has been sent for 200 ms. */
async function quiet(): Promise<void> {
  await ingress.botIdle();
  await supergraph.settleEvents(30_000);
  let last = -1;
  while (last !== supergraph.totalStatements()) {
    last = supergraph.totalStatements();
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Requests the gateway sent to each subgraph so far, from its Prometheus counter. */
async function subgraphFetches(): Promise<Record<string, number>> {
  const text = await (await fetch(new URL('/metrics', supergraph.gatewayUrl))).text();
  const counts: Record<string, number> = {};
  for (const match of text.matchAll(/^gateway_subgraph_fetches_total\{subgraph="([a-z]+)",outcome="[a-z]+"\} (\d+)$/gm)) {
    counts[match[1]!] = (counts[match[1]!] ?? 0) + Number(match[2]);
  }
  return counts;
}

const difference = (after: Record<string, number>, before: Record<string, number>) =>
  Object.fromEntries(Object.entries(after).map(([name, count]) => [name, count - (before[name] ?? 0)]).filter(([, count]) => count !== 0));

interface AgentView {
  id: string;
  status: string;
  messages: { edges: { node: { body: string; provider: string | null; author: { kind: string; staffMember: { id: string; name: string } | null }; offerCode: string | null } }[] };
  customer: {
    id: string;
    displayName: string;
    timeline: { edges: { node: { kind: string; provider: string | null; summary: string } }[] };
    cart: { id: string; channel: string; lines: { edges: { node: { addedByStaff: { id: string; name: string } | null; variant: { id: string; product: { title: string } } } }[] } } | null;
    orders: { edges: { node: { id: string; creditedStaff: { id: string } | null } }[] };
    offers: unknown[];
    conversations: { edges: { node: { id: string } }[] };
  };
}

/** The agent's one query (examples/support-conversation.graphql), with the cost it had. */
async function agentView(conversationId: string): Promise<{ view: AgentView; statements: number; fetches: Record<string, number> }> {
  const client = await agent();
  await quiet();
  const [statementsBefore, fetchesBefore] = [supergraph.totalStatements(), await subgraphFetches()];
  const response = await client(AGENT_QUERY, { conversationId });
  const [statementsAfter, fetchesAfter] = [supergraph.totalStatements(), await subgraphFetches()];
  expect(response.errors).toBeUndefined();
  return { view: expectData(response).conversation as AgentView, statements: statementsAfter - statementsBefore, fetches: difference(fetchesAfter, fetchesBefore) };
}

async function countRows(table: 'messages' | 'conversations'): Promise<number> {
  const result = (await supergraph.databases.support.db.execute(sql.raw(`select count(*)::int as count from support.${table}`))) as unknown;
  const rows = (Array.isArray(result) ? result : (result as { rows: { count: number }[] }).rows) as { count: number }[];
  return Number(rows[0]!.count);
}

describe('a Telegram chat, then a phone call logged by an agent', () => {
  it('land in one conversation of one customer; the agent’s query shows both, with the cart and timeline', async () => {
    const elena = demoCustomer('elena');
    const telegramId = Number(elena.identities.find((identity) => identity.kind === 'TELEGRAM')!.value);
    const chat = await sendTelegram(telegramId, 'Привет! Что у меня в корзине?');
    const call = await logCall(elena.id, 'Called about the delivery of her parka');
    expect(call).toMatchObject({ conversationId: chat.conversationId, customerId: elena.id, duplicate: false });
    await buildCartAsAgent(elena.id, 'CALL_CENTER', [VARIANTS[2]!.id]);

    const { view } = await agentView(chat.conversationId);
    expect(view.customer.id).toBe(elena.id);
    const messages = view.messages.edges.map(({ node }) => node);
    expect(messages.filter((message) => message.author.kind === 'CUSTOMER').map((message) => [message.provider, message.body])).toEqual([
      ['TELEGRAM', 'Привет! Что у меня в корзине?'],
      ['PHONE', 'Called about the delivery of her parka'],
    ]);
    // The logged call names the agent who logged it.
    expect(messages.find((message) => message.provider === 'PHONE')!.author.staffMember).toEqual({ id: AGENT.id, name: AGENT.name });
    const timeline = view.customer.timeline.edges.map(({ node }) => node);
    expect(timeline).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'MESSAGE_SENT', provider: 'TELEGRAM', summary: 'Sent a message' }),
        expect.objectContaining({ kind: 'CALL_LOGGED', provider: 'PHONE', summary: 'Called the call center' }),
      ]),
    );
    // One touchpoint per message: the call is not a MESSAGE_SENT as well.
    expect(timeline.filter((entry) => entry.provider === 'PHONE').map((entry) => entry.kind)).toEqual(['CALL_LOGGED']);
    expect(view.customer.cart?.lines.edges.map(({ node }) => node.variant.id)).toEqual([VARIANTS[2]!.id]);
  });
});

describe('the agent’s one query', () => {
  /**
   * A new customer with `contacts` logged calls, an agent's reply to the first (so both first
   * pages hold a reply, whose delivery is read) and a cart the agent built.
   */
  async function customerWithHistory(contacts: number, email: string): Promise<string> {
    const customerId = await newCustomer(email);
    const { conversationId } = await logCall(customerId, 'Call number 1');
    expect(expectData(await (await agent())(SEND, { input: { conversationId, body: 'We will call you back.' } })).sendMessage.userErrors).toEqual([]);
    for (let index = 1; index < contacts; index += 1) expect((await logCall(customerId, `Call number ${index + 1}`)).conversationId).toBe(conversationId);
    await buildCartAsAgent(customerId, 'CALL_CENTER', [VARIANTS[5]!.id, VARIANTS[6]!.id]);
    return conversationId;
  }

  it('costs the same subgraph fetches and SQL statements for 1 and for 200 entries of history', async () => {
    const short = await agentView(await customerWithHistory(1, 'history.one@example.org'));
    const long = await agentView(await customerWithHistory(200, 'history.two-hundred@example.org'));

    // The histories are what they claim to be, and the pages are full where they can be.
    expect(short.view.messages.edges).toHaveLength(2);
    expect(long.view.messages.edges).toHaveLength(50);
    expect(short.view.customer.timeline.edges.length).toBeGreaterThanOrEqual(2);
    expect(long.view.customer.timeline.edges).toHaveLength(20);
    for (const { view } of [short, long]) {
      expect(view.customer.cart?.lines.edges.map(({ node }) => node.addedByStaff)).toEqual([
        { id: AGENT.id, name: AGENT.name },
        { id: AGENT.id, name: AGENT.name },
      ]);
    }

    console.info(`agent's query: 1 entry ${short.statements} SQL, fetches ${JSON.stringify(short.fetches)}; 200 entries ${long.statements} SQL, fetches ${JSON.stringify(long.fetches)}`);
    expect(long.fetches).toEqual(short.fetches);
    expect(long.statements).toBe(short.statements);
    // Every subgraph is asked, each a bounded number of times.
    expect(Object.keys(short.fetches).sort()).toEqual(['cart', 'catalog', 'customer', 'promotions', 'support']);
    expect(short.statements).toBeGreaterThan(0);
  });
});

describe('an agent acting from a conversation', () => {
  it('builds the customer’s cart credited to them, hands over an offer code, resolves; the order credits the agent', async () => {
    const customerId = await newCustomer('agent.journey@example.org');
    const { conversationId } = await logCall(customerId, 'Wants a parka delivered to the Berlin store');
    const client = await agent();
    expect(expectData(await client(`mutation($id: ID!) { takeConversation(input: { conversationId: $id }) { userErrors { code } } }`, { id: conversationId })).takeConversation.userErrors).toEqual([]);

    const cartId = await buildCartAsAgent(customerId, 'CALL_CENTER', [VARIANTS[7]!.id]);

    const admin = await supergraph.as('admin');
    const promotion = expectData(
      await admin(`mutation($input: CreatePromotionInput!) { createPromotion(input: $input) { promotion { id } userErrors { code message } } }`, {
        input: { name: 'Call center 5', currencyCode: 'EUR', requiresCoupon: true, action: { type: 'ORDER_AMOUNT_OFF', amountOff: '5.00' } },
      }),
    ).createPromotion;
    expect(promotion.userErrors).toEqual([]);
    expect(expectData(await admin(`mutation($input: CreateCouponCodesInput!) { createCouponCodes(input: $input) { userErrors { code } } }`, { input: { promotionId: promotion.promotion.id, codes: ['CALL-5'] } })).createCouponCodes.userErrors).toEqual([]);
    const offered = expectData(await client(SEND, { input: { conversationId, body: 'Here is 5 EUR off your order.', offerCode: 'CALL-5' } })).sendMessage;
    expect(offered.userErrors).toEqual([]);
    expect(offered.message).toMatchObject({ offerCode: 'CALL-5', author: { kind: 'AGENT', staffMember: { id: AGENT.id } } });
    const unknownCode = expectData(await client(SEND, { input: { conversationId, body: 'And this one.', offerCode: 'NO-SUCH-CODE' } })).sendMessage;
    expect(unknownCode.userErrors.map((error: { code: string }) => error.code)).toEqual(['INVALID']);

    const resolved = expectData(await client(RESOLVE, { id: conversationId })).resolveConversation;
    expect(resolved.userErrors).toEqual([]);
    expect(resolved.conversation.status).toBe('RESOLVED');

    const { view } = await agentView(conversationId);
    expect(view.status).toBe('RESOLVED');
    expect(view.customer.cart).toMatchObject({ id: cartId, channel: 'CALL_CENTER' });
    expect(view.customer.cart!.lines.edges.map(({ node }) => node.addedByStaff?.id)).toEqual([AGENT.id]);
    expect(view.messages.edges.map(({ node }) => node.offerCode).filter(Boolean)).toEqual(['CALL-5']);

    // The customer pays at pickup with the code; the order is credited to the agent (J11).
    const shopper = gatewayClient(supergraph.gatewayUrl, await mintAccessToken(TEST_TOKEN_SECRET, { role: 'customer', sub: customerId, channel: 'WEB' }));
    const applied = expectData(await shopper(`mutation($input: ApplyCouponCodeInput!) { applyCouponCode(input: $input) { userErrors { code } } }`, { input: { cartId, code: 'CALL-5' } })).applyCouponCode;
    expect(applied.userErrors).toEqual([]);
    const placed = expectData(
      await shopper(`mutation($input: CheckoutInput!) { checkout(input: $input) { order { id creditedStaff { id } discountTotal { amount } } userErrors { code message } } }`, {
        input: { cartId, idempotencyKey: 'agent-journey-1', fulfillment: { method: 'PICKUP', locationId: BERLIN }, payment: { provider: 'PAY_AT_PICKUP' } },
      }),
    ).checkout;
    expect(placed.userErrors).toEqual([]);
    expect(placed.order.creditedStaff).toEqual({ id: AGENT.id });
    expect(placed.order.discountTotal.amount).toBe('5.00');
    const afterOrder = (await agentView(conversationId)).view;
    expect(afterOrder.customer.orders.edges.map(({ node }) => node)).toEqual([{ id: placed.order.id, creditedStaff: { id: AGENT.id, name: AGENT.name }, channel: expect.any(String), total: expect.any(Object), placedAt: expect.any(String) }]);
  });

  it('assigns and transfers only to staff members who exist (NOT_FOUND otherwise)', async () => {
    const customerId = await newCustomer('assign.staff@example.org');
    const { conversationId } = await logCall(customerId, 'Asked for a manager');
    const client = await agent();
    const ghost = 'staff_00000000000000000000000000';
    const refused = expectData(await client(ASSIGN, { input: { conversationId, staffId: ghost } })).assignConversation;
    expect(refused).toEqual({ conversation: null, userErrors: [{ code: 'NOT_FOUND', field: ['input', 'staffId'] }] });
    const assigned = expectData(await client(ASSIGN, { input: { conversationId, staffId: AGENT.id } })).assignConversation;
    expect(assigned).toEqual({ conversation: { status: 'ASSIGNED', assignee: { id: AGENT.id } }, userErrors: [] });
    const notTransferred = expectData(await client(TRANSFER, { input: { conversationId, staffId: ghost } })).transferConversation;
    expect(notTransferred).toEqual({ conversation: null, userErrors: [{ code: 'NOT_FOUND', field: ['input', 'staffId'] }] });
    expect((await agentView(conversationId)).view.status).toBe('ASSIGNED');
    const transferred = expectData(await client(TRANSFER, { input: { conversationId, staffId: OTHER_AGENT.id } })).transferConversation;
    expect(transferred).toEqual({ conversation: { status: 'ASSIGNED', assignee: { id: OTHER_AGENT.id } }, userErrors: [] });
  });
});

describe('bad input', () => {
  it('gives clear errors and stores nothing: unknown conversation, empty or 100 KB message, another customer’s conversation, wrong provider ids', async () => {
    const owner = await newCustomer('bad.input.owner@example.org');
    const stranger = await newCustomer('bad.input.stranger@example.org');
    const { conversationId } = await logCall(owner, 'Asked about opening hours');
    await quiet();
    const before = [await countRows('messages'), await countRows('conversations')];
    const client = await agent();
    const codes = (payload: { userErrors: { code: string }[] }) => payload.userErrors.map((error) => error.code);

    const unknown = 'conv_00000000000000000000000000';
    expect(codes(expectData(await client(SEND, { input: { conversationId: unknown, body: 'Hello?' } })).sendMessage)).toEqual(['NOT_FOUND']);
    expect(codes(expectData(await client(RESOLVE, { id: unknown })).resolveConversation)).toEqual(['NOT_FOUND']);
    expect(expectData(await client(`query($id: ID!) { conversation(id: $id) { id } }`, { id: unknown })).conversation).toBeNull();
    for (const body of ['', '   ', 'x'.repeat(100 * 1024)]) {
      expect(codes(expectData(await client(SEND, { input: { conversationId, body } })).sendMessage)).toEqual(['INVALID']);
      expect(codes(expectData(await client(LOG_CONTACT, { input: { customerId: owner, provider: 'PHONE', text: body, idempotencyKey: 'bad-input-key' } })).logCustomerContact)).toEqual(['INVALID']);
    }
    // Another customer's conversation: neither readable nor writable with the stranger's token.
    const strangerClient = gatewayClient(supergraph.gatewayUrl, await mintAccessToken(TEST_TOKEN_SECRET, { role: 'customer', sub: stranger, channel: 'WEB' }));
    const read = await strangerClient(`query($id: ID!) { conversation(id: $id) { id } }`, { id: conversationId });
    expect(read.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(codes(expectData(await strangerClient(SEND, { input: { conversationId, body: 'Not mine' } })).sendMessage)).toEqual(['FORBIDDEN']);
    const closed = expectData(await strangerClient(`mutation($id: ID!) { closeConversation(input: { conversationId: $id }) { userErrors { code } } }`, { id: conversationId })).closeConversation;
    expect(codes(closed)).toEqual(['FORBIDDEN']);
    // Ids of the wrong shape (a customer id that is not `cus_…`, a staff id that is not
    // `staff_…`) and well-shaped ids of nobody. Messenger sender ids of the wrong shape are
    // refused by the ingress with 400 (messenger.e2e.test.ts).
    const contact = (customerId: string, idempotencyKey: string) => client(LOG_CONTACT, { input: { customerId, provider: 'PHONE', text: 'Hi', idempotencyKey } });
    expect(expectData(await contact('elena', 'bad-input-key-2')).logCustomerContact.userErrors).toEqual([{ code: 'INVALID', field: ['input', 'customerId'] }]);
    expect(expectData(await contact('cus_00000000000000000000000000', 'bad-input-key-3')).logCustomerContact.userErrors).toEqual([{ code: 'NOT_FOUND', field: ['input', 'customerId'] }]);
    const badStaff = expectData(await client(ASSIGN, { input: { conversationId, staffId: '@agent' } })).assignConversation;
    expect(badStaff.userErrors).toEqual([{ code: 'INVALID', field: ['input', 'staffId'] }]);

    expect([await countRows('messages'), await countRows('conversations')]).toEqual(before);
  });
});
