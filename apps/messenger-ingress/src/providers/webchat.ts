import { z } from 'zod';
import { verifyAccessToken, type Channel } from '@omni/auth';
import { placeholderText, type ParsedPayload } from '../inbound-message';
import { payloadReason } from '../payload-reason';
import { senderText } from './shared-fields';

/**
 * `POST /webchat`: the chat widget of our own web shop and app. The shopper is whoever the bearer
 * token names; the body carries only the message. The sender is the shopper's device: a guest's
 * anonymous id, or for a signed-in customer the anonymous id they signed in from (the token's
 * `guest` claim), which sign-in links to the customer as a DEVICE identity, so the support
 * subgraph finds the customer by it.
 */
const webChatMessage = z.strictObject({
  /** Chosen by the widget, unique per shopper; sending it again stores nothing new. */
  messageId: z.string().min(1).max(64).regex(/^[A-Za-z0-9_.:-]+$/, 'must be letters, digits, `_`, `.`, `:` or `-`'),
  text: senderText(8192),
  /** When the shopper sent it; now when omitted. */
  sentAt: z.iso.datetime({ offset: true }).optional(),
  attachments: z
    .array(z.strictObject({ kind: z.enum(['photo', 'document']), url: z.url({ protocol: /^https$/ }).max(2048), name: senderText(256).min(1).optional() }))
    .max(10)
    .optional(),
});

export type WebChatSender = { kind: 'customer' | 'guest'; deviceId: string; channel: Channel };

/** The customer subgraph's shape of a DEVICE identity. */
const DEVICE_ID = /^[A-Za-z0-9_-]{8,128}$/;

export type WebChatAuthentication = { ok: true; sender: WebChatSender } | { ok: false; status: 401 | 403; reason: string };

/** Only shoppers chat here: staff answer in the agent inbox, partners and admins have no chat. */
export async function authenticateWebChat(authorization: string | undefined, tokenSecret: string): Promise<WebChatAuthentication> {
  const token = /^Bearer ([\x21-\x7e]+)$/.exec(authorization?.trim() ?? '')?.[1];
  if (!token) return { ok: false, status: 401, reason: 'Send the shopper\'s access token as Authorization: Bearer <token>' };
  let claims: Awaited<ReturnType<typeof verifyAccessToken>>;
  try {
    claims = await verifyAccessToken(tokenSecret, token);
  } catch {
    return { ok: false, status: 401, reason: 'The access token is not valid' };
  }
  if (claims.role !== 'customer' && claims.role !== 'guest') return { ok: false, status: 403, reason: 'Only customers and guests write in the web chat' };
  const deviceId = claims.role === 'guest' ? claims.sub : claims.guest;
  if (!deviceId || !DEVICE_ID.test(deviceId)) {
    return { ok: false, status: 403, reason: 'The token names no device the chat can continue on; sign in from the chat (with its guest id) first' };
  }
  return { ok: true, sender: { kind: claims.role, deviceId, channel: claims.channel } };
}

export function parseWebChatMessage(payload: unknown, sender: WebChatSender, now: () => Date = () => new Date()): ParsedPayload {
  const parsed = webChatMessage.safeParse(payload);
  if (!parsed.success) return { kind: 'malformed', reason: payloadReason(parsed.error) };
  const attachments = parsed.data.attachments ?? [];
  const text = parsed.data.text.trim();
  if (!text && attachments.length === 0) return { kind: 'malformed', reason: 'text: must not be empty without attachments' };
  return {
    kind: 'messages',
    messages: [
      {
        channel: sender.channel,
        provider: 'WEB_CHAT',
        senderExternalId: sender.deviceId,
        // One thread per device: the widget shows a single running conversation.
        threadId: sender.deviceId,
        text: text || placeholderText(attachments),
        attachments,
        sentAt: parsed.data.sentAt ? new Date(parsed.data.sentAt).toISOString() : now().toISOString(),
        providerMessageId: `${sender.deviceId}:${parsed.data.messageId}`,
      },
    ],
  };
}
