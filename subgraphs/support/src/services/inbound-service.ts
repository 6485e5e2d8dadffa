import { z } from 'zod';
import { CHANNELS, type Channel } from '@omni/auth';
import { isIdOf, isUniqueViolation, newId } from '@omni/db';
import { fail, succeed, userError, userErrorsFromIssues, type Outcome } from '@omni/graphql';
import type { SenderIdentifier } from '../clients/customer-identity-client';
import type { SupportContext } from '../context';
import { findMessageByProviderMessageId, insertConversation, lockLatestConversationOfCustomer } from '../db/support-queries';
import { MESSENGER_PROVIDERS, type ConversationRow, type MessageAttachment, type MessageRow, type MessengerProvider } from '../db/schema';
import { messageBody } from './conversation-service';
import { afterCustomerMessage, continuesConversation, OUTBOUND_PROVIDERS } from './conversation-rules';
import { appendMessage } from './message-writer';
import { requireMessengerService, requireInboxAgent } from './support-access';

/** How each provider's ids look; anything else is refused before anything is stored. */
const SENDER_ID: Record<MessengerProvider, RegExp> = {
  TELEGRAM: /^\d{1,20}$/,
  VK: /^(?:id)?\d{1,20}$/,
  WHATSAPP: /^\+?\d{7,15}$/,
  PHONE: /^\+\d{7,15}$/,
  WEB_CHAT: /^[A-Za-z0-9_-]{8,128}$/,
};
const THREAD_ID: Record<MessengerProvider, RegExp> = {
  TELEGRAM: /^-?\d{1,20}$/,
  VK: /^\d{1,20}$/,
  WHATSAPP: /^\+?\d{7,15}$/,
  PHONE: /^\+?\d{7,15}$/,
  WEB_CHAT: /^[A-Za-z0-9_-]{8,128}$/,
};
const SHAPE: Record<MessengerProvider, string> = {
  TELEGRAM: 'a numeric Telegram id',
  VK: 'a numeric VK id',
  WHATSAPP: 'a phone number in international format',
  PHONE: 'a phone number in E.164 format, e.g. +4930123456',
  WEB_CHAT: '8 to 128 letters, digits, `-` or `_`',
};

/** Senders' identifiers for the customer subgraph: messenger accounts are proven by the provider, caller ids and browsers are not. */
export function senderIdentifier(provider: MessengerProvider, senderExternalId: string, senderName: string | null | undefined): SenderIdentifier {
  const firstName = senderName ?? null;
  switch (provider) {
    case 'TELEGRAM':
      return { kind: 'TELEGRAM', value: senderExternalId, verified: true, firstName };
    case 'VK':
      return { kind: 'VK', value: senderExternalId, verified: true, firstName };
    case 'WHATSAPP':
      return { kind: 'WHATSAPP', value: senderExternalId.startsWith('+') ? senderExternalId : `+${senderExternalId}`, verified: true, firstName };
    case 'PHONE':
      return { kind: 'PHONE', value: senderExternalId, verified: false, firstName };
    case 'WEB_CHAT':
      return { kind: 'DEVICE', value: senderExternalId, verified: false, firstName };
  }
}

const attachment = z.object({
  kind: z.string().trim().regex(/^[a-z][a-z0-9_]{0,39}$/, 'must be a lower-case kind such as "photo"'),
  url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).max(2000, 'must be at most 2000 characters'),
  name: z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters').nullish(),
});

const inboundInput = z
  .object({
    channel: z.enum(CHANNELS),
    provider: z.enum(MESSENGER_PROVIDERS),
    senderExternalId: z.string().trim().min(1, 'must not be empty').max(128, 'must be at most 128 characters'),
    senderName: z.string().trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters').nullish(),
    threadId: z.string().trim().min(1, 'must not be empty').max(128, 'must be at most 128 characters'),
    text: messageBody,
    attachments: z.array(attachment).max(10, 'at most 10 attachments').nullish(),
    sentAt: z.date().refine((date) => date.getTime() <= Date.now() + 5 * 60_000, 'must not be in the future'),
    providerMessageId: z
      .string()
      .trim()
      .regex(/^[\x21-\x7e]{1,200}$/, 'must be 1 to 200 visible ASCII characters'),
  })
  .superRefine((input, issues) => {
    if (!SENDER_ID[input.provider].test(input.senderExternalId)) {
      issues.addIssue({ code: 'custom', path: ['senderExternalId'], message: `must be ${SHAPE[input.provider]}` });
    }
    if (!THREAD_ID[input.provider].test(input.threadId)) {
      issues.addIssue({ code: 'custom', path: ['threadId'], message: `must be ${SHAPE[input.provider]}` });
    }
  });

export type InboundMessageInput = z.input<typeof inboundInput>;

export interface InboundResult {
  conversation: ConversationRow | null;
  message: MessageRow;
  duplicate: boolean;
}

/** The part every inbound path shares once the person is known. */
interface InboundMessage {
  customerId: string;
  channel: Channel;
  provider: MessengerProvider;
  threadId: string | null;
  text: string;
  attachments: MessageAttachment[] | null;
  sentAt: Date;
  providerMessageId: string;
  /** The agent who logged a contact (a call) by hand. */
  staffId: string | null;
}

/**
 * One normalised path for a message from any provider: the sender is resolved to a customer by
 * the customer subgraph's identity rules (an unknown sender gets a record), and the message
 * continues that person's conversation whatever the channel. Each (provider, provider message
 * id) is stored once however often, and however concurrently, it is delivered.
 */
export async function receiveInboundMessage(ctx: SupportContext, raw: InboundMessageInput): Promise<Outcome<InboundResult>> {
  requireMessengerService(ctx.caller);
  const parsed = inboundInput.safeParse(raw);
  if (!parsed.success) return fail(...userErrorsFromIssues(parsed.error.issues));
  const input = parsed.data;

  const replay = await answerReplay(ctx, input.provider, input.providerMessageId);
  if (replay) return succeed(replay);

  const identified = await ctx.identities.identify(senderIdentifier(input.provider, input.senderExternalId, input.senderName));
  if (!identified.ok) return fail(userError('INVALID', identified.message, ['input', 'senderExternalId']));

  return succeed(
    await storeInbound(ctx, {
      customerId: identified.customerId,
      channel: input.channel,
      provider: input.provider,
      threadId: input.threadId,
      text: input.text,
      attachments: input.attachments?.map((item) => ({ kind: item.kind, url: item.url, name: item.name ?? null })) ?? null,
      sentAt: input.sentAt,
      providerMessageId: input.providerMessageId,
      staffId: null,
    }),
  );
}

const contactInput = z.object({
  customerId: z.string().refine((id) => isIdOf('cus', id), 'must be a customer id (`cus_…`)'),
  provider: z.enum(MESSENGER_PROVIDERS),
  text: messageBody,
  occurredAt: z
    .date()
    .refine((date) => date.getTime() <= Date.now() + 5 * 60_000, 'must not be in the future')
    .nullish(),
  idempotencyKey: z.string().trim().regex(/^[\x21-\x7e]{8,100}$/, 'must be 8 to 100 visible ASCII characters'),
});

export type LogCustomerContactInput = z.input<typeof contactInput>;

/**
 * A contact an agent records by hand (a phone call, a message seen in a provider's own app) for
 * a customer they have identified: it lands in the same conversation as that person's messenger
 * chats, through the same path.
 */
export async function logCustomerContact(ctx: SupportContext, raw: LogCustomerContactInput): Promise<Outcome<InboundResult>> {
  requireInboxAgent(ctx.caller);
  const parsed = contactInput.safeParse(raw);
  if (!parsed.success) return fail(...userErrorsFromIssues(parsed.error.issues));
  const input = parsed.data;
  // The key is the agent's own: two agents never collide, one agent's retry finds its first call.
  const providerMessageId = `staff:${ctx.caller.staffId ?? ctx.caller.kind}:${input.idempotencyKey}`;
  const replay = await answerReplay(ctx, input.provider, providerMessageId);
  if (replay) return succeed(replay);
  const customerId = await ctx.customers.currentCustomerId(input.customerId);
  if (!customerId) return fail(userError('NOT_FOUND', 'No such customer', ['input', 'customerId']));
  return succeed(
    await storeInbound(ctx, {
      customerId,
      channel: input.provider === 'PHONE' ? 'CALL_CENTER' : ctx.caller.channel,
      provider: input.provider,
      threadId: null,
      text: input.text,
      attachments: null,
      sentAt: input.occurredAt ?? new Date(),
      providerMessageId,
      staffId: ctx.caller.staffId ?? null,
    }),
  );
}

async function answerReplay(ctx: SupportContext, provider: MessengerProvider, providerMessageId: string): Promise<InboundResult | null> {
  const first = await findMessageByProviderMessageId(ctx.db, provider, providerMessageId);
  if (!first) return null;
  const [conversation] = await ctx.loaders.conversationById.loadMany([first.conversationId]);
  return { conversation: conversation instanceof Error ? null : (conversation ?? null), message: first, duplicate: true };
}

async function storeInbound(ctx: SupportContext, inbound: InboundMessage): Promise<InboundResult> {
  try {
    const stored = await ctx.db.transaction(async (tx): Promise<InboundResult> => {
      const latest = await lockLatestConversationOfCustomer(tx, inbound.customerId);
      // Checked again under the customer's lock: a concurrent delivery of the same message has committed by now.
      const first = await findMessageByProviderMessageId(tx, inbound.provider, inbound.providerMessageId);
      if (first) return { conversation: latest?.id === first.conversationId ? latest : null, message: first, duplicate: true };
      const now = new Date();
      const conversation =
        latest && continuesConversation(latest, now)
          ? latest
          : await insertConversation(tx, {
              id: newId('conv'),
              customerId: inbound.customerId,
              channel: inbound.channel,
              provider: inbound.provider,
              subject: null,
              status: 'BOT',
              messageCount: 0,
              createdAt: now,
              lastMessageAt: now,
            });
      const replyTo = OUTBOUND_PROVIDERS.includes(inbound.provider) && inbound.threadId ? { replyProvider: inbound.provider, replyThreadId: inbound.threadId } : {};
      const appended = await appendMessage(
        tx,
        conversation,
        {
          authorKind: 'CUSTOMER',
          staffId: inbound.staffId,
          body: inbound.text,
          channel: inbound.channel,
          provider: inbound.provider,
          providerMessageId: inbound.providerMessageId,
          attachments: inbound.attachments,
          sentAt: inbound.sentAt,
        },
        { ...afterCustomerMessage(conversation), ...replyTo },
        now,
      );
      return { ...appended, duplicate: false };
    });
    if (stored.conversation) ctx.loaders.conversationById.clear(stored.conversation.id).prime(stored.conversation.id, stored.conversation);
    return stored;
  } catch (error) {
    // The same message for two records at once (a merge in flight) meets the unique key: the first one wins.
    if (!isUniqueViolation(error)) throw error;
    const replay = await answerReplay(ctx, inbound.provider, inbound.providerMessageId);
    if (!replay) throw error;
    return replay;
  }
}
