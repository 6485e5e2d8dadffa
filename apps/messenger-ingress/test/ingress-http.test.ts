import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mintAccessToken } from '@omni/auth';
import type { LiveData } from '../src/bot/live-data';
import type { InboundMessage } from '../src/inbound-message';
import { hubSignature } from '../src/provider-auth';
import { createMessengerIngress, type RunningIngress } from '../src/server';
import type { ReceivedMessage, SupportClient } from '../src/support-client';
import { telegramPhotoUpdate, telegramStickerUpdate, telegramTextUpdate, vkConfirmation, vkMessageNew, whatsappStatusNotification, whatsappTextNotification } from './fixtures/provider-payloads';

const TOKEN_SECRET = 'test-token-secret-0123456789abcdef';
const TELEGRAM_SECRET = 'telegram-webhook-secret-123';
const WHATSAPP = { appSecret: 'whatsapp-app-secret-123', verifyToken: 'whatsapp-verify-token' };
const VK = { secret: 'vk-callback-secret-123', confirmation: 'a1b2c3d4', groupId: 229110000 };
const BOT_TOKEN = '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw';

/** The support subgraph as far as the ingress sees it: one stored message per provider message id. */
function fakeSupport() {
  const stored = new Map<string, InboundMessage>();
  const state = { refuseWith: null as null | { code: string; message: string }, down: false, status: 'BOT' };
  const botMessages: { conversationId: string; text: string; intent?: string }[] = [];
  const client: SupportClient = {
    async receiveInboundMessage(message) {
      if (state.down) throw new Error('connect ECONNREFUSED');
      const base: ReceivedMessage = { conversationId: null, messageId: null, customerId: null, duplicate: false, conversationStatus: null, userErrors: [] };
      if (state.refuseWith) return { ...base, userErrors: [state.refuseWith] };
      const key = `${message.provider}:${message.providerMessageId}`;
      const duplicate = stored.has(key);
      if (!duplicate) stored.set(key, message);
      return { ...base, conversationId: 'conv_1', messageId: `msg_${key}`, customerId: 'cus_anna', duplicate, conversationStatus: state.status };
    },
    async postBotMessage(input) {
      botMessages.push(input);
      return { userErrors: [] };
    },
    async handOffConversation() {
      return { userErrors: [] };
    },
  };
  return { client, stored, state, botMessages };
}

const liveData: LiveData = {
  stores: async () => [],
  latestOrder: async () => null,
  cart: async () => null,
  productStock: async () => null,
  displayName: async () => null,
};

/** Telegram's Bot API as far as file downloads go. */
async function startFakeBotApi(): Promise<{ url: string; server: Server; requests: string[] }> {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    requests.push(req.url ?? '');
    if (req.url === `/bot${BOT_TOKEN}/getFile?file_id=AgACAgIAAxkBAAIBZ2Large`) {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ ok: true, result: { file_id: 'AgACAgIAAxkBAAIBZ2Large', file_path: 'photos/file_7.jpg' } }));
    } else if (req.url === `/file/bot${BOT_TOKEN}/photos/file_7.jpg`) {
      res.setHeader('content-type', 'image/jpeg');
      res.end(Buffer.from([0xff, 0xd8, 0xff]));
    } else {
      res.statusCode = 400;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ ok: false, error_code: 400, description: 'Bad Request: invalid file_id' }));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, server, requests };
}

let support: ReturnType<typeof fakeSupport>;
let ingress: RunningIngress;
let botApi: Awaited<ReturnType<typeof startFakeBotApi>>;
let errors: string[];

beforeAll(async () => {
  support = fakeSupport();
  botApi = await startFakeBotApi();
  errors = [];
  ingress = await createMessengerIngress({
    supportUrl: 'http://127.0.0.1:9/',
    gatewayUrl: 'http://127.0.0.1:9/',
    signingSecret: 'unused-signing-secret-0123456789abcdef',
    tokenSecret: TOKEN_SECRET,
    providers: { telegramWebhookSecret: TELEGRAM_SECRET, telegramBotToken: BOT_TOKEN, telegramApiUrl: botApi.url, whatsapp: WHATSAPP, vk: VK },
    supportClient: support.client,
    liveData,
    logError: (line) => errors.push(line),
  }).listen(0);
});

afterAll(async () => {
  await ingress?.stop();
  botApi?.server.close();
});

beforeEach(() => {
  support.stored.clear();
  support.botMessages.length = 0;
  Object.assign(support.state, { refuseWith: null, down: false, status: 'BOT' });
});

const post = (path: string, body: string | object, headers: Record<string, string> = {}) =>
  fetch(new URL(path, ingress.url), { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });

const telegram = (body: string | object, secret = TELEGRAM_SECRET) => post('telegram', body, { 'x-telegram-bot-api-secret-token': secret });

describe('Telegram webhook', () => {
  it('stores an update once however often it is delivered, also at the same time', async () => {
    const answers = await Promise.all(Array.from({ length: 5 }, () => telegram(telegramTextUpdate)));
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200]);
    expect(support.stored.size).toBe(1);
    expect([...support.stored.values()][0]).toMatchObject({ provider: 'TELEGRAM', senderExternalId: '100200301', text: 'Где мой заказ?' });
    await ingress.botIdle();
    // One answer from the bot, for the one stored message.
    expect(support.botMessages).toHaveLength(1);
  });

  it('refuses a wrong or missing secret with 401 and stores nothing', async () => {
    for (const answer of [await telegram(telegramTextUpdate, 'wrong-secret'), await post('telegram', telegramTextUpdate)]) {
      expect(answer.status).toBe(401);
      expect(await answer.json()).toEqual({ error: { code: 'UNAUTHENTICATED', message: expect.any(String) as string } });
    }
    expect(support.stored.size).toBe(0);
  });

  it('refuses malformed payloads with 400 and a reason', async () => {
    const notJson = await telegram('{"update_id": 1,');
    expect(notJson.status).toBe(400);
    expect(await notJson.json()).toEqual({ error: { code: 'MALFORMED_PAYLOAD', message: 'The body is not JSON' } });
    const wrongId = await telegram({ ...telegramTextUpdate, message: { ...telegramTextUpdate.message, from: { ...telegramTextUpdate.message.from, id: 'anna' } } });
    expect(wrongId.status).toBe(400);
    expect(((await wrongId.json()) as { error: { message: string } }).error.message).toContain('message.from.id');
    expect(support.stored.size).toBe(0);
  });

  it('acknowledges updates it does not handle, storing nothing', async () => {
    const answer = await telegram(telegramStickerUpdate);
    expect(answer.status).toBe(200);
    expect(await answer.json()).toMatchObject({ ok: true, ignored: expect.any(String) as string });
    expect(support.stored.size).toBe(0);
  });

  it('asks for a redelivery when support is down, and passes support\'s refusals on', async () => {
    support.state.down = true;
    expect((await telegram(telegramTextUpdate)).status).toBe(503);
    support.state.down = false;
    support.state.refuseWith = { code: 'INVALID', message: 'The text must be 1 to 4000 characters' };
    const refused = await telegram(telegramTextUpdate);
    expect(refused.status).toBe(400);
    expect(await refused.json()).toEqual({ error: { code: 'INVALID', message: 'The text must be 1 to 4000 characters' } });
  });

  it('leaves conversations an agent has to the agent', async () => {
    support.state.status = 'ASSIGNED';
    expect((await telegram(telegramTextUpdate)).status).toBe(200);
    await ingress.botIdle();
    expect(support.botMessages).toEqual([]);
  });

  it('links photos to its own file route, which fetches them with the bot token', async () => {
    expect((await telegram(telegramPhotoUpdate)).status).toBe(200);
    const [message] = [...support.stored.values()];
    const url = message!.attachments[0]!.url;
    expect(url).toBe(new URL('files/telegram/AgACAgIAAxkBAAIBZ2Large', ingress.url).toString());
    expect(url).not.toContain(BOT_TOKEN);
    const file = await fetch(url);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('image/jpeg');
    // Whatever a customer sent is a download, never a page on our origin.
    expect(file.headers.get('x-content-type-options')).toBe('nosniff');
    expect(file.headers.get('content-disposition')).toMatch(/^attachment; filename="[^"/]+"$/);
    expect(Buffer.from(await file.arrayBuffer())).toEqual(Buffer.from([0xff, 0xd8, 0xff]));
    const unknown = await fetch(new URL('files/telegram/NoSuchFile', ingress.url));
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).not.toContain(BOT_TOKEN);
  });
});

describe('WhatsApp webhook', () => {
  it('answers the verification handshake', async () => {
    const ok = await fetch(new URL(`whatsapp?hub.mode=subscribe&hub.verify_token=${WHATSAPP.verifyToken}&hub.challenge=1158201444`, ingress.url));
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe('1158201444');
    const wrong = await fetch(new URL('whatsapp?hub.mode=subscribe&hub.verify_token=guess&hub.challenge=1158201444', ingress.url));
    expect(wrong.status).toBe(403);
  });

  it('stores signed notifications and refuses a wrong HMAC with 401', async () => {
    const body = JSON.stringify(whatsappTextNotification);
    const forged = await post('whatsapp', body, { 'x-hub-signature-256': hubSignature(body, 'not-the-app-secret') });
    expect(forged.status).toBe(401);
    const unsigned = await post('whatsapp', body);
    expect(unsigned.status).toBe(401);
    expect(support.stored.size).toBe(0);
    const signed = await post('whatsapp', body, { 'x-hub-signature-256': hubSignature(body, WHATSAPP.appSecret) });
    expect(signed.status).toBe(200);
    expect(support.stored.size).toBe(2);
  });

  it('checks the signature over the bytes received, not over the parsed JSON', async () => {
    const body = JSON.stringify(whatsappTextNotification);
    const respaced = JSON.stringify(whatsappTextNotification, null, 2);
    const answer = await post('whatsapp', respaced, { 'x-hub-signature-256': hubSignature(body, WHATSAPP.appSecret) });
    expect(answer.status).toBe(401);
  });

  it('acknowledges delivery statuses without storing', async () => {
    const body = JSON.stringify(whatsappStatusNotification);
    expect((await post('whatsapp', body, { 'x-hub-signature-256': hubSignature(body, WHATSAPP.appSecret) })).status).toBe(200);
    expect(support.stored.size).toBe(0);
  });
});

describe('VK Callback API', () => {
  it('answers the confirmation string, for our community only', async () => {
    const confirmation = await post('vk', vkConfirmation);
    expect(confirmation.status).toBe(200);
    expect(await confirmation.text()).toBe(VK.confirmation);
    expect((await post('vk', { ...vkConfirmation, group_id: 1 })).status).toBe(401);
  });

  it('stores message_new with the right secret and answers `ok`', async () => {
    const wrong = await post('vk', vkMessageNew('guessed-secret'));
    expect(wrong.status).toBe(401);
    expect(support.stored.size).toBe(0);
    const right = await post('vk', vkMessageNew(VK.secret));
    expect(right.status).toBe(200);
    expect(await right.text()).toBe('ok');
    expect([...support.stored.values()]).toMatchObject([{ provider: 'VK', senderExternalId: '5550004' }]);
  });
});

describe('web chat', () => {
  it('takes a message from a customer or a guest token, and nobody else', async () => {
    const customer = await mintAccessToken(TOKEN_SECRET, { role: 'customer', sub: 'cus_anna', channel: 'WEB', guest: 'guest_anna-laptop' });
    const customerWithoutDevice = await mintAccessToken(TOKEN_SECRET, { role: 'customer', sub: 'cus_anna', channel: 'WEB' });
    const guest = await mintAccessToken(TOKEN_SECRET, { role: 'guest', sub: 'guest_abc', channel: 'MOBILE_APP' });
    const staff = await mintAccessToken(TOKEN_SECRET, { role: 'staff', sub: 'staff_1', channel: 'POS', location: 'loc_1', staffRole: 'CASHIER' });
    const forged = await mintAccessToken('another-secret-0123456789abcdefghij', { role: 'customer', sub: 'cus_anna', channel: 'WEB' });
    const message = { messageId: 'm-1', text: 'What is in my cart?' };

    expect((await post('webchat', message)).status).toBe(401);
    expect((await post('webchat', message, { authorization: `Bearer ${forged}` })).status).toBe(401);
    expect((await post('webchat', message, { authorization: `Bearer ${staff}` })).status).toBe(403);
    expect((await post('webchat', message, { authorization: `Bearer ${customerWithoutDevice}` })).status).toBe(403);
    expect(support.stored.size).toBe(0);

    expect((await post('webchat', message, { authorization: `Bearer ${customer}` })).status).toBe(200);
    expect((await post('webchat', message, { authorization: `Bearer ${guest}` })).status).toBe(200);
    expect([...support.stored.values()]).toMatchObject([
      { provider: 'WEB_CHAT', channel: 'WEB', senderExternalId: 'guest_anna-laptop' },
      { provider: 'WEB_CHAT', channel: 'MOBILE_APP', senderExternalId: 'guest_abc' },
    ]);
    const malformed = await post('webchat', { messageId: 'm-2' }, { authorization: `Bearer ${customer}` });
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as { error: { message: string } }).error.message).toContain('text');
  });
});

describe('health', () => {
  it('answers /health, and /ready names what does not answer', async () => {
    expect((await fetch(new URL('health', ingress.url))).status).toBe(200);
    const ready = await fetch(new URL('ready', ingress.url));
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({ status: 'unavailable', checks: { support: 'unavailable', gateway: 'unavailable' } });
  });

  it('answers unknown paths and oversized bodies with JSON errors', async () => {
    expect((await post('nowhere', {})).status).toBe(404);
    const huge = await telegram({ ...telegramTextUpdate, message: { ...telegramTextUpdate.message, text: 'x'.repeat(300_000) } });
    expect(huge.status).toBe(413);
    expect(await huge.json()).toMatchObject({ error: { code: 'MALFORMED_PAYLOAD' } });
  });
});
