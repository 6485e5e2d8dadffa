import { describe, expect, it } from 'vitest';
import { parseTelegramUpdate } from '../src/providers/telegram';
import { parseVkEvent } from '../src/providers/vk';
import { parseWhatsAppNotification } from '../src/providers/whatsapp';
import type { ParsedPayload } from '../src/inbound-message';
import { telegramPhotoUpdate, telegramTextUpdate, vkMessageNew, whatsappTextNotification } from './fixtures/provider-payloads';

/** Values that break a field's type, range or encoding in the ways senders and attackers try. */
const ODD_VALUES: unknown[] = [null, '', 'x'.repeat(100_000), '\u0000', '\ud800', -1, 0, 1.5, 1e15, '999999999999', 1e308, Number.MAX_SAFE_INTEGER + 2, true, [], {}, [[[[[]]]]], '1; drop table x'];

/** Every path to a leaf of a JSON value. */
function leafPaths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (value === null || typeof value !== 'object') return [prefix];
  const entries = Array.isArray(value) ? value.map((item, index) => [index, item] as const) : Object.entries(value);
  return entries.flatMap(([key, item]) => leafPaths(item, [...prefix, key]));
}

function withValueAt(value: unknown, path: (string | number)[], replacement: unknown): unknown {
  const copy = structuredClone(value) as Record<string | number, unknown>;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  node[path.at(-1)!] = replacement;
  return copy;
}

function expectHandled(parsed: ParsedPayload): void {
  if (parsed.kind === 'malformed') {
    expect(parsed.reason.length).toBeLessThan(300);
    expect(parsed.reason).not.toContain('x'.repeat(50));
    expect(parsed.reason).not.toMatch(/drop table|\u0000/);
    return;
  }
  // What is accepted is what the support subgraph takes: bounded, printable ids.
  for (const message of parsed.kind === 'messages' ? parsed.messages : []) {
    expect(message.senderExternalId).toMatch(/^\+?\d{1,20}$/);
    expect(message.threadId).toMatch(/^-?\d{1,20}$/);
    expect(message.providerMessageId).toMatch(/^[\x21-\x7e]{1,200}$/);
    expect(Number.isNaN(Date.parse(message.sentAt))).toBe(false);
    for (const text of [message.text, message.senderName ?? '', ...message.attachments.map((attachment) => attachment.name ?? '')]) {
      expect(text).not.toMatch(/\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/);
    }
  }
}

describe.each([
  ['Telegram text', telegramTextUpdate, (payload: unknown) => parseTelegramUpdate(payload, (id) => `https://ingress.example.com/files/telegram/${id}`)],
  ['Telegram photo', telegramPhotoUpdate, (payload: unknown) => parseTelegramUpdate(payload, (id) => `https://ingress.example.com/files/telegram/${id}`)],
  ['WhatsApp', whatsappTextNotification, parseWhatsAppNotification],
  ['VK', vkMessageNew('vk-secret'), parseVkEvent],
])('%s payload with an odd value in any field', (_name, payload, parse) => {
  it('is parsed, ignored or refused with a short reason, never thrown', () => {
    let cases = 0;
    for (const path of leafPaths(payload)) {
      for (const odd of ODD_VALUES) {
        expectHandled(parse(withValueAt(payload, path, odd)));
        cases += 1;
      }
    }
    expect(cases).toBeGreaterThan(100);
  });
});
