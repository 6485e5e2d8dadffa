import { describe, expect, it } from 'vitest';
import { hubSignature, hubSignatureMatches, secretsMatch } from '../src/provider-auth';
import { parseTelegramUpdate } from '../src/providers/telegram';
import { parseVkEnvelope, parseVkEvent } from '../src/providers/vk';
import { parseWebChatMessage } from '../src/providers/webchat';
import { answerVerification, parseWhatsAppNotification } from '../src/providers/whatsapp';
import {
  telegramChannelPost,
  telegramEditedUpdate,
  telegramPhotoUpdate,
  telegramStickerUpdate,
  telegramTextUpdate,
  vkMessageNew,
  whatsappStatusNotification,
  whatsappTextNotification,
} from './fixtures/provider-payloads';

const fileUrl = (fileId: string) => `https://ingress.example.com/files/telegram/${fileId}`;

describe('provider secrets', () => {
  it('compares shared secrets exactly', () => {
    expect(secretsMatch('s3cret-token', 's3cret-token')).toBe(true);
    expect(secretsMatch('s3cret-tokeN', 's3cret-token')).toBe(false);
    expect(secretsMatch('s3cret', 's3cret-token')).toBe(false);
    expect(secretsMatch(undefined, 's3cret-token')).toBe(false);
  });

  it('checks the HMAC-SHA256 of the exact body bytes', () => {
    const body = Buffer.from(JSON.stringify(whatsappTextNotification));
    const signature = hubSignature(body, 'app-secret');
    expect(signature).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(hubSignatureMatches(body, signature, 'app-secret')).toBe(true);
    expect(hubSignatureMatches(body, signature.toUpperCase().replace('SHA256=', 'sha256='), 'app-secret')).toBe(true);
    expect(hubSignatureMatches(body, signature, 'other-secret')).toBe(false);
    expect(hubSignatureMatches(Buffer.concat([body, Buffer.from(' ')]), signature, 'app-secret')).toBe(false);
    expect(hubSignatureMatches(body, undefined, 'app-secret')).toBe(false);
    expect(hubSignatureMatches(body, 'sha256=abc', 'app-secret')).toBe(false);
    expect(hubSignatureMatches(body, signature.replace('sha256=', 'sha1='), 'app-secret')).toBe(false);
  });
});

describe('Telegram', () => {
  it('normalises a text message', () => {
    expect(parseTelegramUpdate(telegramTextUpdate, fileUrl)).toEqual({
      kind: 'messages',
      messages: [
        {
          channel: 'MESSENGER',
          provider: 'TELEGRAM',
          senderExternalId: '100200301',
          senderName: 'Anna Ivanova',
          threadId: '100200301',
          text: 'Где мой заказ?',
          attachments: [],
          sentAt: '2015-09-07T17:05:32.000Z',
          providerMessageId: '100200301:1365',
        },
      ],
    });
  });

  it('takes the largest size of a photo, and its caption as the text', () => {
    const parsed = parseTelegramUpdate(telegramPhotoUpdate, fileUrl);
    expect(parsed).toMatchObject({ kind: 'messages', messages: [{ text: 'Вот такая куртка', attachments: [{ kind: 'photo', url: fileUrl('AgACAgIAAxkBAAIBZ2Large') }] }] });
  });

  it('stores a photo without caption with a placeholder text', () => {
    const { caption: _caption, ...message } = telegramPhotoUpdate.message;
    expect(parseTelegramUpdate({ ...telegramPhotoUpdate, message }, fileUrl)).toMatchObject({ kind: 'messages', messages: [{ text: '[photo]' }] });
  });

  it('keeps an edit apart from the original message', () => {
    expect(parseTelegramUpdate(telegramEditedUpdate, fileUrl)).toMatchObject({
      kind: 'messages',
      messages: [{ text: 'Где мой заказ??', providerMessageId: '100200301:1365:edit:1441645700', sentAt: '2015-09-07T17:08:20.000Z' }],
    });
  });

  it('ignores what it does not handle', () => {
    expect(parseTelegramUpdate(telegramStickerUpdate, fileUrl).kind).toBe('ignored');
    expect(parseTelegramUpdate(telegramChannelPost, fileUrl).kind).toBe('ignored');
    const fromBot = { ...telegramTextUpdate, message: { ...telegramTextUpdate.message, from: { ...telegramTextUpdate.message.from, is_bot: true } } };
    expect(parseTelegramUpdate(fromBot, fileUrl).kind).toBe('ignored');
  });

  it.each([
    ['a list', [], ''],
    ['no update_id', { message: telegramTextUpdate.message }, 'update_id'],
    ['a user id that is not a number', { ...telegramTextUpdate, message: { ...telegramTextUpdate.message, from: { ...telegramTextUpdate.message.from, id: 'anna' } } }, 'message.from.id'],
    ['a negative user id', { ...telegramTextUpdate, message: { ...telegramTextUpdate.message, from: { ...telegramTextUpdate.message.from, id: -5 } } }, 'message.from.id'],
    ['a fractional user id', { ...telegramTextUpdate, message: { ...telegramTextUpdate.message, from: { ...telegramTextUpdate.message.from, id: 1.5 } } }, 'message.from.id'],
    ['a text that is not a string', { ...telegramTextUpdate, message: { ...telegramTextUpdate.message, text: 42 } }, 'message.text'],
  ])('refuses %s as malformed, saying where', (_name, payload, path) => {
    const parsed = parseTelegramUpdate(payload, fileUrl);
    expect(parsed.kind).toBe('malformed');
    expect(parsed.kind === 'malformed' && parsed.reason).toContain(path);
  });
});

describe('WhatsApp', () => {
  it('answers the verification handshake only with our verify token', () => {
    expect(answerVerification({ 'hub.mode': 'subscribe', 'hub.verify_token': 'verify-me', 'hub.challenge': '1158201444' }, 'verify-me')).toEqual({ ok: true, challenge: '1158201444' });
    expect(answerVerification({ 'hub.mode': 'subscribe', 'hub.verify_token': 'guess', 'hub.challenge': '1158201444' }, 'verify-me')).toMatchObject({ ok: false, status: 403 });
    expect(answerVerification({ 'hub.mode': 'unsubscribe', 'hub.verify_token': 'verify-me', 'hub.challenge': '1' }, 'verify-me')).toMatchObject({ ok: false, status: 400 });
    expect(answerVerification({ 'hub.mode': 'subscribe', 'hub.verify_token': 'verify-me', 'hub.challenge': ['1', '2'] }, 'verify-me')).toMatchObject({ ok: false, status: 400 });
  });

  it('normalises every message of a notification, the number in E.164', () => {
    const parsed = parseWhatsAppNotification(whatsappTextNotification);
    expect(parsed).toMatchObject({
      kind: 'messages',
      messages: [
        { provider: 'WHATSAPP', channel: 'MESSENGER', senderExternalId: '+4917655512003', senderName: 'Chen Wei', threadId: '4917655512003', text: 'Is Alpine Parka in stock in Berlin?', sentAt: '2025-06-08T20:59:43.000Z', providerMessageId: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=' },
        { text: 'this one', attachments: [{ kind: 'photo', url: 'https://graph.facebook.com/1003383421387256' }] },
      ],
    });
  });

  it('ignores delivery statuses', () => {
    expect(parseWhatsAppNotification(whatsappStatusNotification).kind).toBe('ignored');
  });

  it('refuses a sender id of the wrong shape', () => {
    const [entry] = whatsappTextNotification.entry;
    const [change] = entry!.changes;
    const bad = { ...whatsappTextNotification, entry: [{ ...entry, changes: [{ ...change, value: { ...change!.value, messages: [{ ...change!.value.messages[0], from: '+49 176 555' }] } }] }] };
    const parsed = parseWhatsAppNotification(bad);
    expect(parsed).toMatchObject({ kind: 'malformed', reason: expect.stringContaining('entry.0.changes.0.value.messages.0.from') as string });
  });
});

describe('VK', () => {
  it('normalises message_new', () => {
    expect(parseVkEvent(vkMessageNew('vk-secret'))).toEqual({
      kind: 'messages',
      messages: [
        {
          channel: 'MESSENGER',
          provider: 'VK',
          senderExternalId: '5550004',
          threadId: '5550004',
          text: 'Часы работы в Мюнхене?',
          attachments: [],
          sentAt: '2020-05-15T12:37:20.000Z',
          providerMessageId: '5550004:42',
        },
      ],
    });
  });

  it('reads the envelope, ignores other events and refuses bad ids', () => {
    expect(parseVkEnvelope(vkMessageNew('vk-secret'))).toMatchObject({ ok: true, envelope: { type: 'message_new', secret: 'vk-secret' } });
    expect(parseVkEnvelope('nope')).toMatchObject({ ok: false });
    expect(parseVkEvent({ type: 'message_typing_state', object: {}, group_id: 1 }).kind).toBe('ignored');
    const event = vkMessageNew('vk-secret');
    const fromCommunity = { ...event, object: { ...event.object, message: { ...event.object.message, from_id: -229110000 } } };
    expect(parseVkEvent(fromCommunity)).toMatchObject({ kind: 'malformed', reason: expect.stringContaining('object.message.from_id') as string });
  });
});

describe('web chat', () => {
  const sender = { kind: 'customer' as const, deviceId: 'guest_anna-laptop', channel: 'WEB' as const };
  const now = () => new Date('2026-11-28T12:00:00.000Z');

  it('normalises a message of the documented shape for the token\'s shopper', () => {
    expect(parseWebChatMessage({ messageId: 'm-1', text: ' Hi ' }, sender, now)).toEqual({
      kind: 'messages',
      messages: [{ channel: 'WEB', provider: 'WEB_CHAT', senderExternalId: 'guest_anna-laptop', threadId: 'guest_anna-laptop', text: 'Hi', attachments: [], sentAt: '2026-11-28T12:00:00.000Z', providerMessageId: 'guest_anna-laptop:m-1' }],
    });
  });

  it.each([
    [{ text: 'hi' }, 'messageId'],
    [{ messageId: 'has space', text: 'hi' }, 'messageId'],
    [{ messageId: 'm-1', text: '   ' }, 'text'],
    [{ messageId: 'm-1', text: 'hi', sentAt: 'yesterday' }, 'sentAt'],
    [{ messageId: 'm-1', text: 'hi', customerId: 'cus_other' }, 'customerId'],
    [{ messageId: 'm-1', text: 'hi', attachments: [{ kind: 'photo', url: 'http://insecure.example.com/x.jpg' }] }, 'attachments.0.url'],
  ])('refuses %j', (payload, field) => {
    const parsed = parseWebChatMessage(payload, sender, now);
    expect(parsed).toMatchObject({ kind: 'malformed', reason: expect.stringContaining(field) as string });
  });
});
