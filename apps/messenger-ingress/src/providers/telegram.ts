import { z } from 'zod';
import { isoFromUnixSeconds, placeholderText, type InboundAttachment, type ParsedPayload } from '../inbound-message';
import { payloadReason } from '../payload-reason';
import { senderText, unixSeconds } from './shared-fields';

/** Header Telegram sends with every webhook call when `setWebhook` was given a `secret_token`. */
export const TELEGRAM_SECRET_HEADER = 'x-telegram-bot-api-secret-token';

// Telegram ids fit in 52 bits; positive for users, negative for groups and channels.
const userId = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const chatId = z.number().int().min(-Number.MAX_SAFE_INTEGER).max(Number.MAX_SAFE_INTEGER).refine((id) => id !== 0, 'must not be 0');
const fileId = z.string().min(1).max(512).regex(/^[A-Za-z0-9_-]+$/, 'must be a Telegram file id');
const shortText = senderText(256);

const user = z.object({
  id: userId,
  is_bot: z.boolean(),
  first_name: shortText,
  last_name: shortText.optional(),
  username: shortText.optional(),
});

/** The subset of Bot API `Message` we read; other fields (stickers, polls, …) are left alone. */
const message = z.object({
  message_id: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
  from: user.optional(),
  chat: z.object({ id: chatId, type: z.string().max(32) }),
  date: unixSeconds,
  edit_date: unixSeconds.optional(),
  // Telegram caps texts at 4096 characters and captions at 1024; a little slack for entities.
  text: senderText(8192).optional(),
  caption: senderText(8192).optional(),
  photo: z.array(z.object({ file_id: fileId, width: z.number().int().nonnegative(), height: z.number().int().nonnegative() })).max(20).optional(),
  document: z.object({ file_id: fileId, file_name: shortText.optional(), mime_type: shortText.optional() }).optional(),
});

/** Bot API `Update`: one of many optional kinds; we handle `message` and `edited_message`. */
const update = z.object({
  update_id: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
  message: message.optional(),
  edited_message: message.optional(),
});

type TelegramMessage = z.infer<typeof message>;

/**
 * Where a Telegram file can be fetched. Telegram's own download URL contains the bot token, which
 * must never be stored, so files are named by their file id under our own ingress instead.
 */
export type TelegramFileUrl = (fileId: string) => string;

function attachmentsOf(sent: TelegramMessage, fileUrl: TelegramFileUrl): InboundAttachment[] {
  const attachments: InboundAttachment[] = [];
  // Telegram sends one photo in several sizes, smallest first; the largest is the photo.
  const largest = sent.photo?.at(-1);
  if (largest) attachments.push({ kind: 'photo', url: fileUrl(largest.file_id) });
  if (sent.document) {
    attachments.push({ kind: 'document', url: fileUrl(sent.document.file_id), ...(sent.document.file_name ? { name: sent.document.file_name } : {}) });
  }
  return attachments;
}

/** Turns a Telegram `Update` into the normalised message, or says why it is ignored or malformed. */
export function parseTelegramUpdate(payload: unknown, fileUrl: TelegramFileUrl): ParsedPayload {
  const parsed = update.safeParse(payload);
  if (!parsed.success) return { kind: 'malformed', reason: payloadReason(parsed.error) };
  const edited = parsed.data.edited_message !== undefined;
  const sent = parsed.data.message ?? parsed.data.edited_message;
  if (!sent) return { kind: 'ignored', reason: 'update kind not handled' };
  if (!sent.from || sent.from.is_bot) return { kind: 'ignored', reason: 'not sent by a person' };
  const attachments = attachmentsOf(sent, fileUrl);
  const written = (sent.text ?? sent.caption ?? '').trim();
  if (!written && attachments.length === 0) return { kind: 'ignored', reason: 'message kind not handled' };
  const name = [sent.from.first_name, sent.from.last_name].filter(Boolean).join(' ').trim();
  return {
    kind: 'messages',
    messages: [
      {
        channel: 'MESSENGER',
        provider: 'TELEGRAM',
        senderExternalId: String(sent.from.id),
        ...(name ? { senderName: name } : {}),
        threadId: String(sent.chat.id),
        text: written || placeholderText(attachments),
        attachments,
        sentAt: isoFromUnixSeconds(edited ? (sent.edit_date ?? sent.date) : sent.date),
        // message_id is unique within a chat; an edit is a new version of the same message.
        providerMessageId: `${sent.chat.id}:${sent.message_id}${edited ? `:edit:${sent.edit_date ?? sent.date}` : ''}`,
      },
    ],
  };
}
