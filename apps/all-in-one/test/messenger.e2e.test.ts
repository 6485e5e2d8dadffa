import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { DEMO_LOCATIONS, demoCatalog, demoCustomer } from '@omni/demo-data';
import { createMessengerIngress, hubSignature, type RunningIngress } from '@omni/messenger-ingress';
import { expectData, TEST_SIGNING_SECRET, TEST_TOKEN_SECRET } from '@omni/testing';
import { startTestSupergraph, type TestSupergraph } from './support/test-supergraph';

/**
 * Issue 11 through real HTTP: provider webhooks into the messenger ingress, the support subgraph
 * storing them, and the bot answering from live data read through the gateway.
 */
let supergraph: TestSupergraph;
let ingress: RunningIngress;

const TELEGRAM_SECRET = 'e2e-telegram-webhook-secret';
const WHATSAPP = { appSecret: 'e2e-whatsapp-app-secret', verifyToken: 'e2e-whatsapp-verify-token' };
const BERLIN = DEMO_LOCATIONS.find((location) => location.key === 'berlin-mitte')!.id;
const ELENA_TELEGRAM_ID = Number(demoCustomer('elena').identities.find((identity) => identity.kind === 'TELEGRAM')!.value);
const CHEN_WA_ID = demoCustomer('chen').identities.find((identity) => identity.kind === 'WHATSAPP')!.value.replace('+', '');

beforeAll(async () => {
  supergraph = await startTestSupergraph();
  ingress = await createMessengerIngress({
    supportUrl: supergraph.subgraphUrls.support,
    gatewayUrl: supergraph.gatewayUrl,
    signingSecret: TEST_SIGNING_SECRET,
    tokenSecret: TEST_TOKEN_SECRET,
    providers: { telegramWebhookSecret: TELEGRAM_SECRET, whatsapp: WHATSAPP },
  }).listen(0);
});

afterAll(async () => {
  await ingress?.stop();
  await supergraph?.close();
});

let updateId = 50_000;
let messageId = 700;
/** A Telegram Bot API `Update` with a text message from `userId` in their private chat. */
function telegramUpdate(userId: number, text: string, firstName = 'Elena') {
  updateId += 1;
  messageId += 1;
  return {
    update_id: updateId,
    message: { message_id: messageId, from: { id: userId, is_bot: false, first_name: firstName, language_code: 'ru' }, chat: { id: userId, first_name: firstName, type: 'private' }, date: Math.floor(Date.now() / 1000), text },
  };
}

let waMessage = 0;
/** A WhatsApp Cloud API notification with one text message. */
function whatsappNotification(waId: string, text: string) {
  waMessage += 1;
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '102290129340398',
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '15550783881', phone_number_id: '106540352242922' },
              contacts: [{ profile: { name: 'Chen Wei' }, wa_id: waId }],
              messages: [{ from: waId, id: `wamid.E2E${String(waMessage).padStart(6, '0')}`, timestamp: String(Math.floor(Date.now() / 1000)), type: 'text', text: { body: text } }],
            },
          },
        ],
      },
    ],
  };
}

const post = (path: string, body: string, headers: Record<string, string>) => fetch(new URL(path, ingress.url), { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
const sendTelegram = (update: object, secret = TELEGRAM_SECRET) => post('telegram', JSON.stringify(update), { 'x-telegram-bot-api-secret-token': secret });
function sendWhatsApp(notification: object, appSecret = WHATSAPP.appSecret) {
  const body = JSON.stringify(notification);
  return post('whatsapp', body, { 'x-hub-signature-256': hubSignature(body, appSecret) });
}

async function countRows(table: 'messages' | 'conversations'): Promise<number> {
  const result = (await supergraph.databases.support.db.execute(sql.raw(`select count(*)::int as count from support.${table}`))) as unknown;
  const rows = (Array.isArray(result) ? result : (result as { rows: { count: number }[] }).rows) as { count: number }[];
  return Number(rows[0]!.count);
}

const CONVERSATION = `query($id: ID!) { conversation(id: $id) { id status customer { id } handOff { reason summary }
  messages(first: 100) { edges { node { body author { kind } provider } } } } }`;
type ConversationView = { id: string; status: string; customer: { id: string }; handOff: { reason: string; summary: string } | null; messages: { edges: { node: { body: string; author: { kind: string }; provider: string | null } }[] } };

async function conversationAsAgent(id: string): Promise<ConversationView> {
  const agent = await supergraph.as('staff', 'support-agent', 'CALL_CENTER');
  return expectData(await agent(CONVERSATION, { id })).conversation as ConversationView;
}

/** Sends a customer's message, waits for the bot and returns what the bot wrote back. */
async function ask(send: () => Promise<Response>): Promise<{ conversationId: string; answer: string }> {
  const response = await send();
  expect(response.status).toBe(200);
  const { stored } = (await response.json()) as { stored: { conversationId: string }[] };
  const conversationId = stored[0]!.conversationId;
  await ingress.botIdle();
  const messages = (await conversationAsAgent(conversationId)).messages.edges.map((edge) => edge.node);
  const last = messages.at(-1)!;
  expect(last.author.kind).toBe('BOT');
  return { conversationId, answer: last.body };
}

const CREATE = `mutation { createCart(input: {}) { cart { id } userErrors { code } } }`;
const ADD = `mutation($input: AddCartLinesInput!) { addCartLines(input: $input) { userErrors { code } } }`;
const CHECKOUT = `mutation($input: CheckoutInput!) { checkout(input: $input) { order { id } userErrors { code message } } }`;

/** Places a pickup order in Berlin for a demo customer through the gateway; returns its id. */
async function placeOrder(key: string, variantId: string): Promise<string> {
  const shopper = await supergraph.as('customer', key, 'WEB');
  const cartId = expectData(await shopper(CREATE)).createCart.cart.id as string;
  expect(expectData(await shopper(ADD, { input: { cartId, lines: [{ variantId, quantity: 1 }] } })).addCartLines.userErrors).toEqual([]);
  const placed = expectData(await shopper(CHECKOUT, { input: { cartId, idempotencyKey: `messenger-${key}`, fulfillment: { method: 'PICKUP', locationId: BERLIN }, payment: { provider: 'PAY_AT_PICKUP' } } })).checkout;
  expect(placed.userErrors).toEqual([]);
  return placed.order.id as string;
}

/** Units of Alpine Parka available to sell at Berlin Mitte right now, summed over its variants. */
async function alpineParkaInBerlin(): Promise<number> {
  const found = expectData(
    await supergraph.anonymous(`query($at: ID!) { products(first: 5, filter: { search: "alpine parka" }) { edges { node { title variants { availability(locationId: $at) { available } } } } } }`, { at: BERLIN }),
  ).products.edges.map((edge: { node: unknown }) => edge.node) as { title: string; variants: { availability: { available: number } | null }[] }[];
  const parka = found.find((product) => product.title === 'Alpine Parka')!;
  return parka.variants.reduce((sum, variant) => sum + (variant.availability?.available ?? 0), 0);
}

describe('webhook ingress', () => {
  it('stores a Telegram update once when it is replayed 5 times, one after another and at the same time', async () => {
    const newcomer = 987_654_321;
    const update = telegramUpdate(newcomer, 'Привет!', 'Mila');
    const [messagesBefore, conversationsBefore] = [await countRows('messages'), await countRows('conversations')];
    const sequential: Response[] = [];
    for (let attempt = 0; attempt < 5; attempt += 1) sequential.push(await sendTelegram(update));
    const concurrent = await Promise.all(Array.from({ length: 5 }, () => sendTelegram(update)));
    for (const response of [...sequential, ...concurrent]) expect(response.status).toBe(200);
    const bodies = (await Promise.all([...sequential, ...concurrent].map((response) => response.json()))) as { stored: { messageId: string; duplicate: boolean }[] }[];
    expect(new Set(bodies.map((body) => body.stored[0]!.messageId)).size).toBe(1);
    expect(bodies.filter((body) => !body.stored[0]!.duplicate)).toHaveLength(1);
    await ingress.botIdle();
    // One customer message, one new conversation, and one bot answer to the one message.
    expect(await countRows('conversations')).toBe(conversationsBefore + 1);
    expect(await countRows('messages')).toBe(messagesBefore + 2);
  });

  it('refuses a Telegram update with a bad secret token with 401 and stores nothing', async () => {
    const before = [await countRows('messages'), await countRows('conversations')];
    const forged = await sendTelegram(telegramUpdate(ELENA_TELEGRAM_ID, 'Где мой заказ?'), 'not-the-secret');
    expect(forged.status).toBe(401);
    const missing = await post('telegram', JSON.stringify(telegramUpdate(ELENA_TELEGRAM_ID, 'Где мой заказ?')), {});
    expect(missing.status).toBe(401);
    expect([await countRows('messages'), await countRows('conversations')]).toEqual(before);
  });

  it('refuses a WhatsApp notification with a wrong HMAC with 401 and stores nothing', async () => {
    const before = [await countRows('messages'), await countRows('conversations')];
    const forged = await sendWhatsApp(whatsappNotification(CHEN_WA_ID, 'Where is my order?'), 'not-the-app-secret');
    expect(forged.status).toBe(401);
    expect([await countRows('messages'), await countRows('conversations')]).toEqual(before);
  });

  it('refuses sender ids of the wrong shape with 400 and a reason, storing nothing', async () => {
    const before = await countRows('messages');
    const update = telegramUpdate(ELENA_TELEGRAM_ID, 'hi') as { message: { from: { id: unknown } } };
    update.message.from.id = '@elena';
    const badTelegram = await sendTelegram(update);
    expect(badTelegram.status).toBe(400);
    expect(((await badTelegram.json()) as { error: { message: string } }).error.message).toContain('message.from.id');
    const badWhatsApp = await sendWhatsApp(whatsappNotification('+49 (176) 555', 'hi'));
    expect(badWhatsApp.status).toBe(400);
    expect(await countRows('messages')).toBe(before);
  });
});

describe('the bot answers from live data', () => {
  const { products } = demoCatalog();
  // Any product but the one asked about, so the orders do not change its stock.
  const ordered = products.filter((product) => product.title !== 'Alpine Parka').map((product) => product.variants[0]!);
  let elenaOrder: string;
  let chenOrder: string;

  beforeAll(async () => {
    elenaOrder = await placeOrder('elena', ordered[3]!.id);
    chenOrder = await placeOrder('chen', ordered[4]!.id);
  });

  it('"где мой заказ" in Russian, on Telegram', async () => {
    const { answer } = await ask(() => sendTelegram(telegramUpdate(ELENA_TELEGRAM_ID, 'Где мой заказ?')));
    expect(answer).toContain(`Ваш последний заказ ${elenaOrder}`);
    expect(answer).toContain('принят и готовится к отправке');
  });

  it('"where is my order" in English, on WhatsApp', async () => {
    const { answer } = await ask(() => sendWhatsApp(whatsappNotification(CHEN_WA_ID, 'Where is my order?')));
    expect(answer).toContain(`Your latest order ${chenOrder}`);
    expect(answer).toContain('is placed and being prepared');
  });

  it('"есть ли X в Берлине" and "is X in stock in Berlin" with the live count', async () => {
    const available = await alpineParkaInBerlin();
    expect(available).toBeGreaterThan(0);
    const russian = await ask(() => sendTelegram(telegramUpdate(ELENA_TELEGRAM_ID, 'Есть ли Alpine Parka в Берлине?')));
    expect(russian.answer).toBe(`Alpine Parka есть в магазине Berlin Mitte: ${available} шт.`);
    const english = await ask(() => sendWhatsApp(whatsappNotification(CHEN_WA_ID, 'Is Alpine Parka in stock in Berlin?')));
    expect(english.answer).toBe(`Alpine Parka is in stock at Berlin Mitte: ${available} available.`);
  });

  it('answers a web-chat guest (known only by their device) with the stores\' live opening hours', async () => {
    const token = await supergraph.token('guest', 'e2e-visitor', 'WEB');
    const send = () => post('webchat', JSON.stringify({ messageId: 'hours-1', text: 'What are your opening hours in Berlin?' }), { authorization: `Bearer ${token}` });
    const { answer } = await ask(send);
    const location = expectData(await supergraph.anonymous(`query($id: ID!) { location(id: $id) { name openingHours { weekday opens closes } } }`, { id: BERLIN })).location as { name: string; openingHours: { weekday: number; opens: string; closes: string }[] };
    const monday = location.openingHours.find((entry) => entry.weekday === 1)!;
    expect(answer).toContain(`${location.name} (`);
    expect(answer).toContain(`Mon`);
    expect(answer).toContain(`${monday.opens}–${monday.closes}`);
    expect(answer).not.toContain('Hamburg');
  });

  it('"позовите оператора" hands off with the transcript and a summary, into the agents\' queue', async () => {
    const response = await sendTelegram(telegramUpdate(ELENA_TELEGRAM_ID, 'Позовите оператора'));
    expect(response.status).toBe(200);
    const conversationId = ((await response.json()) as { stored: { conversationId: string }[] }).stored[0]!.conversationId;
    await ingress.botIdle();

    const conversation = await conversationAsAgent(conversationId);
    expect(conversation.status).toBe('WAITING_FOR_AGENT');
    expect(conversation.customer.id).toBe(demoCustomer('elena').id);
    expect(conversation.handOff?.reason).toBe('CUSTOMER_ASKED');
    const summary = conversation.handOff!.summary;
    expect(summary).toContain(`Customer: Elena Sokolova (${demoCustomer('elena').id}) via TELEGRAM`);
    expect(summary).toContain('Reason: the customer asked for a person');
    expect(summary).toContain(`Last order: ${elenaOrder}`);
    expect(summary).toContain('Bot tried: order status: answered; stock of "alpine parka" in берлине: answered (Alpine Parka)');
    // The transcript: every question with the bot's answer, then the request for a person.
    const transcript = conversation.messages.edges.map(({ node }) => `${node.author.kind}: ${node.body}`);
    expect(transcript.filter((line) => line.startsWith('CUSTOMER: '))).toEqual(['CUSTOMER: Где мой заказ?', 'CUSTOMER: Есть ли Alpine Parka в Берлине?', 'CUSTOMER: Позовите оператора']);
    expect(transcript.filter((line) => line.startsWith('BOT: ')).length).toBeGreaterThanOrEqual(3);

    const agent = await supergraph.as('staff', 'support-agent', 'CALL_CENTER');
    const QUEUE = `{ conversations(filter: { status: WAITING_FOR_AGENT }, first: 100) { edges { node { id } } } }`;
    const queued = () => agent(QUEUE).then((answer) => (expectData(answer).conversations.edges as { node: { id: string } }[]).map((edge) => edge.node.id));
    expect(await queued()).toContain(conversationId);

    // Once an agent takes it, it leaves the queue, and the bot no longer answers there.
    const taken = expectData(await agent(`mutation($id: ID!) { takeConversation(input: { conversationId: $id }) { conversation { status } userErrors { code } } }`, { id: conversationId })).takeConversation;
    expect(taken).toEqual({ conversation: { status: 'ASSIGNED' }, userErrors: [] });
    expect(await queued()).not.toContain(conversationId);
    const before = (await conversationAsAgent(conversationId)).messages.edges.length;
    expect((await sendTelegram(telegramUpdate(ELENA_TELEGRAM_ID, 'Где мой заказ?'))).status).toBe(200);
    await ingress.botIdle();
    const after = (await conversationAsAgent(conversationId)).messages.edges.map(({ node }) => node.author.kind);
    expect(after.slice(before)).toEqual(['CUSTOMER']);
  });
});
