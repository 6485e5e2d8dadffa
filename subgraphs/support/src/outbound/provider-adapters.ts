import { createHash } from 'node:crypto';
import type { MessengerProvider } from '../db/schema';

/** One reply to send: to a provider's chat, with the text the customer reads. */
export interface OutboundReply {
  messageId: string;
  provider: MessengerProvider;
  threadId: string;
  text: string;
}

/**
 * Thrown for a refusal that no retry can fix (the bot was blocked, the chat does not exist): the
 * reply is marked FAILED at once instead of being retried.
 */
export class PermanentDeliveryError extends Error {
  override name = 'PermanentDeliveryError';
}

/** Sends replies to one provider; throws to have the reply retried. */
export type ProviderAdapter = (reply: OutboundReply) => Promise<void>;

/** Only the status goes into an error: provider answers may echo the text or the token. */
function deliveryError(provider: string, status: number): Error {
  // 429 and 5xx are the provider's trouble; any other 4xx says this request will never succeed.
  const permanent = status >= 400 && status < 500 && status !== 429 && status !== 408;
  const message = `${provider} answered HTTP ${status}`;
  return permanent ? new PermanentDeliveryError(message) : new Error(message);
}

const TIMEOUT_MS = 10_000;

/** Telegram Bot API `sendMessage` (https://core.telegram.org/bots/api#sendmessage). */
export function createTelegramAdapter(options: { apiUrl: string; botToken: string }): ProviderAdapter {
  const base = options.apiUrl.replace(/\/+$/, '');
  return async (reply) => {
    const response = await fetch(`${base}/bot${options.botToken}/sendMessage`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ chat_id: reply.threadId, text: reply.text }),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    const body = (await response.json().catch(() => null)) as { ok?: boolean } | null;
    if (!response.ok || body?.ok !== true) throw deliveryError('Telegram', response.status);
  };
}

/** WhatsApp Cloud API text message (https://developers.facebook.com/docs/whatsapp/cloud-api/messages/text-messages). */
export function createWhatsAppAdapter(options: { apiUrl: string; accessToken: string; phoneNumberId: string }): ProviderAdapter {
  const base = options.apiUrl.replace(/\/+$/, '');
  return async (reply) => {
    const response = await fetch(`${base}/${encodeURIComponent(options.phoneNumberId)}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${options.accessToken}` },
      body: JSON.stringify({ messaging_product: 'whatsapp', recipient_type: 'individual', to: reply.threadId.replace(/^\+/, ''), type: 'text', text: { body: reply.text } }),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    if (!response.ok) throw deliveryError('WhatsApp', response.status);
  };
}

/**
 * VK `messages.send` (https://dev.vk.com/method/messages.send). VK drops a second message with the
 * same `random_id` from one community, so it is derived from the message id: a retry after a lost
 * answer does not post the reply twice.
 */
export function createVkAdapter(options: { apiUrl: string; accessToken: string; apiVersion?: string }): ProviderAdapter {
  const base = options.apiUrl.replace(/\/+$/, '');
  return async (reply) => {
    const randomId = createHash('sha256').update(reply.messageId).digest().readInt32BE(0);
    const form = new URLSearchParams({
      peer_id: reply.threadId,
      message: reply.text,
      random_id: String(randomId),
      access_token: options.accessToken,
      v: options.apiVersion ?? '5.199',
    });
    const response = await fetch(`${base}/method/messages.send`, { method: 'POST', body: form, signal: AbortSignal.timeout(TIMEOUT_MS) });
    const body = (await response.json().catch(() => null)) as { response?: unknown; error?: { error_code?: number } } | null;
    if (!response.ok) throw deliveryError('VK', response.status);
    // Error 6 (too many requests) and 10 (internal error) pass; the rest refuse this request for good.
    if (body?.error) {
      const code = body.error.error_code ?? 0;
      if (code === 6 || code === 10) throw new Error(`VK error ${code}`);
      throw new PermanentDeliveryError(`VK error ${code}`);
    }
  };
}

/**
 * Stands in for providers without credentials (development, demos): records that a reply would
 * have gone out, never its text.
 */
export function createLogAdapter(log: (line: string) => void = (line) => console.info(line)): ProviderAdapter {
  return async (reply) => {
    log(`[support outbound] ${reply.provider} reply ${reply.messageId} (${reply.text.length} characters) not sent: no credentials configured`);
  };
}

export interface ProviderCredentials {
  telegram?: { apiUrl: string; botToken: string } | null;
  whatsapp?: { apiUrl: string; accessToken: string; phoneNumberId: string } | null;
  vk?: { apiUrl: string; accessToken: string } | null;
}

/** An adapter per provider: the real API where credentials are configured, the log adapter elsewhere. */
export function createProviderAdapters(credentials: ProviderCredentials, fallback: ProviderAdapter = createLogAdapter()): Partial<Record<MessengerProvider, ProviderAdapter>> {
  return {
    TELEGRAM: credentials.telegram ? createTelegramAdapter(credentials.telegram) : fallback,
    WHATSAPP: credentials.whatsapp ? createWhatsAppAdapter(credentials.whatsapp) : fallback,
    VK: credentials.vk ? createVkAdapter(credentials.vk) : fallback,
  };
}
