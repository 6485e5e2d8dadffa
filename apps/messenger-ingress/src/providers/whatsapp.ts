import { z } from 'zod';
import { isoFromUnixSeconds, placeholderText, type InboundAttachment, type InboundMessage, type ParsedPayload } from '../inbound-message';
import { secretsMatch } from '../provider-auth';
import { payloadReason } from '../payload-reason';
import { senderText, unixSeconds } from './shared-fields';

/** Header Meta signs every webhook POST with. */
export const WHATSAPP_SIGNATURE_HEADER = 'x-hub-signature-256';

/** WhatsApp ids of people: the phone number in international form without `+` (E.164 has at most 15 digits). */
const waId = z.string().regex(/^[1-9]\d{6,14}$/, 'must be a WhatsApp id: 7 to 15 digits');
const mediaId = z.string().min(1).max(128).regex(/^\d+$/, 'must be a numeric media id');
const shortText = senderText(256);
const GRAPH_API = 'https://graph.facebook.com/';

const incoming = z.object({
  from: waId,
  id: z.string().min(1).max(256).regex(/^[\x21-\x7e]+$/, 'must be a WhatsApp message id'),
  timestamp: z.string().regex(/^\d{1,12}$/, 'must be unix seconds').transform(Number).pipe(unixSeconds),
  type: z.string().max(32),
  text: z.object({ body: senderText(8192) }).optional(),
  image: z.object({ id: mediaId, caption: senderText(8192).optional(), mime_type: shortText.optional() }).optional(),
  document: z.object({ id: mediaId, caption: senderText(8192).optional(), filename: shortText.optional(), mime_type: shortText.optional() }).optional(),
});

const change = z.object({
  field: z.string().max(64),
  value: z.object({
    messaging_product: z.string().max(32).optional(),
    metadata: z.object({ phone_number_id: z.string().max(64) }).optional(),
    contacts: z.array(z.object({ wa_id: waId, profile: z.object({ name: shortText }).optional() })).max(100).optional(),
    messages: z.array(incoming).max(100).optional(),
  }),
});

/** The WhatsApp Cloud API webhook notification (`object: whatsapp_business_account`). */
const notification = z.object({
  object: z.string().max(64),
  entry: z.array(z.object({ id: z.string().max(64), changes: z.array(change).max(100) })).max(100),
});

/**
 * The GET handshake Meta sends when the webhook is configured: answer `hub.challenge` when
 * `hub.verify_token` is ours, refuse otherwise.
 */
export function answerVerification(query: Record<string, unknown>, verifyToken: string): { ok: true; challenge: string } | { ok: false; status: 400 | 403; reason: string } {
  const mode = query['hub.mode'];
  const token = query['hub.verify_token'];
  const challenge = query['hub.challenge'];
  if (mode !== 'subscribe' || typeof challenge !== 'string' || !/^[\x21-\x7e]{1,256}$/.test(challenge)) {
    return { ok: false, status: 400, reason: 'Expected hub.mode=subscribe with hub.verify_token and hub.challenge' };
  }
  if (!secretsMatch(typeof token === 'string' ? token : undefined, verifyToken)) return { ok: false, status: 403, reason: 'The verify token does not match' };
  return { ok: true, challenge };
}

function attachmentsOf(message: z.infer<typeof incoming>): InboundAttachment[] {
  // The Graph API's media endpoint: fetched with the access token in a header, so the URL itself
  // holds no credential.
  if (message.type === 'image' && message.image) return [{ kind: 'photo', url: `${GRAPH_API}${message.image.id}` }];
  if (message.type === 'document' && message.document) {
    return [{ kind: 'document', url: `${GRAPH_API}${message.document.id}`, ...(message.document.filename ? { name: message.document.filename } : {}) }];
  }
  return [];
}

function textOf(message: z.infer<typeof incoming>): string {
  if (message.type === 'text') return message.text?.body.trim() ?? '';
  if (message.type === 'image') return message.image?.caption?.trim() ?? '';
  if (message.type === 'document') return message.document?.caption?.trim() ?? '';
  return '';
}

/**
 * Turns a notification into normalised messages. One notification may carry several messages and
 * delivery statuses; statuses and message kinds we do not handle (stickers, reactions, locations)
 * are skipped.
 */
export function parseWhatsAppNotification(payload: unknown): ParsedPayload {
  const parsed = notification.safeParse(payload);
  if (!parsed.success) return { kind: 'malformed', reason: payloadReason(parsed.error) };
  if (parsed.data.object !== 'whatsapp_business_account') return { kind: 'ignored', reason: 'not a WhatsApp Business notification' };
  const messages: InboundMessage[] = [];
  for (const entry of parsed.data.entry) {
    for (const { field, value } of entry.changes) {
      if (field !== 'messages') continue;
      const names = new Map((value.contacts ?? []).map((contact) => [contact.wa_id, contact.profile?.name.trim()]));
      for (const message of value.messages ?? []) {
        const attachments = attachmentsOf(message);
        const text = textOf(message);
        if (!text && attachments.length === 0) continue;
        const name = names.get(message.from);
        messages.push({
          channel: 'MESSENGER',
          provider: 'WHATSAPP',
          // Identities keep phone numbers in E.164, which is the wa_id with a leading `+`.
          senderExternalId: `+${message.from}`,
          ...(name ? { senderName: name } : {}),
          threadId: message.from,
          text: text || placeholderText(attachments),
          attachments,
          sentAt: isoFromUnixSeconds(message.timestamp),
          providerMessageId: message.id,
        });
      }
    }
  }
  return messages.length > 0 ? { kind: 'messages', messages } : { kind: 'ignored', reason: 'no message of a handled kind' };
}
