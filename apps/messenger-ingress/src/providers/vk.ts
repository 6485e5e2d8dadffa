import { z } from 'zod';
import { isoFromUnixSeconds, placeholderText, type InboundAttachment, type ParsedPayload } from '../inbound-message';
import { payloadReason } from '../payload-reason';
import { senderText, unixSeconds } from './shared-fields';

/** VK user ids are positive; communities have negative ids and are not people we talk to. */
const vkUserId = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const vkPeerId = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const httpsUrl = z.url({ protocol: /^https$/ }).max(2048);

const attachment = z.object({
  type: z.string().max(32),
  photo: z.object({ sizes: z.array(z.object({ url: httpsUrl, width: z.number().int().nonnegative(), height: z.number().int().nonnegative() })).max(20) }).optional(),
  doc: z.object({ url: httpsUrl, title: senderText(256).optional() }).optional(),
});

/** `message_new` of Callback API 5.103+: the message sits in `object.message`. */
const messageNew = z.object({
  type: z.literal('message_new'),
  group_id: z.number().int().positive(),
  event_id: z.string().max(128).optional(),
  object: z.object({
    message: z.object({
      id: z.number().int().nonnegative(),
      date: unixSeconds,
      peer_id: vkPeerId,
      from_id: vkUserId,
      text: senderText(8192),
      conversation_message_id: z.number().int().nonnegative(),
      attachments: z.array(attachment).max(20).optional(),
    }),
  }),
});

/** The envelope every Callback API call shares; `secret` is present once one is configured. */
const envelope = z.object({ type: z.string().min(1).max(64), group_id: z.number().int().positive().optional(), secret: z.string().max(256).optional() });

export type VkEnvelope = z.infer<typeof envelope>;

export function parseVkEnvelope(payload: unknown): { ok: true; envelope: VkEnvelope } | { ok: false; reason: string } {
  const parsed = envelope.safeParse(payload);
  return parsed.success ? { ok: true, envelope: parsed.data } : { ok: false, reason: payloadReason(parsed.error) };
}

function attachmentsOf(items: z.infer<typeof attachment>[] | undefined): InboundAttachment[] {
  const attachments: InboundAttachment[] = [];
  for (const item of items ?? []) {
    if (item.type === 'photo' && item.photo) {
      const largest = [...item.photo.sizes].sort((a, b) => b.width * b.height - a.width * a.height)[0];
      if (largest) attachments.push({ kind: 'photo', url: largest.url });
    } else if (item.type === 'doc' && item.doc) {
      attachments.push({ kind: 'document', url: item.doc.url, ...(item.doc.title ? { name: item.doc.title } : {}) });
    }
  }
  return attachments;
}

/** Turns a Callback API event (after its secret was checked) into the normalised message. */
export function parseVkEvent(payload: unknown): ParsedPayload {
  const type = (payload as { type?: unknown } | null)?.type;
  if (type !== 'message_new') return { kind: 'ignored', reason: 'event type not handled' };
  const parsed = messageNew.safeParse(payload);
  if (!parsed.success) return { kind: 'malformed', reason: payloadReason(parsed.error) };
  const { message } = parsed.data.object;
  const attachments = attachmentsOf(message.attachments);
  const text = message.text.trim();
  if (!text && attachments.length === 0) return { kind: 'ignored', reason: 'message kind not handled' };
  return {
    kind: 'messages',
    messages: [
      {
        channel: 'MESSENGER',
        provider: 'VK',
        senderExternalId: String(message.from_id),
        threadId: String(message.peer_id),
        text: text || placeholderText(attachments),
        attachments,
        sentAt: isoFromUnixSeconds(message.date),
        // conversation_message_id is unique within a peer; `id` is 0 for messages in chats.
        providerMessageId: `${message.peer_id}:${message.conversation_message_id}`,
      },
    ],
  };
}
