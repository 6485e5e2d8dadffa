import { sql } from 'drizzle-orm';
import { check, index, integer, jsonb, pgSchema, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { createOutboxTable, createProcessedEventsTable } from '@omni/events';

/** Everything the support subgraph stores lives in its own Postgres schema. */
export const supportSchema = pgSchema('support');

/** BOT → WAITING_FOR_AGENT → ASSIGNED → RESOLVED; a new customer message reopens a resolved one. */
export const CONVERSATION_STATUSES = ['BOT', 'WAITING_FOR_AGENT', 'ASSIGNED', 'RESOLVED'] as const;
export type ConversationStatus = (typeof CONVERSATION_STATUSES)[number];

/** Where inbound messages come from; the ones that can be answered are in OUTBOUND_PROVIDERS. */
export const MESSENGER_PROVIDERS = ['TELEGRAM', 'WHATSAPP', 'VK', 'WEB_CHAT', 'PHONE'] as const;
export type MessengerProvider = (typeof MESSENGER_PROVIDERS)[number];

export const HAND_OFF_REASONS = ['CUSTOMER_ASKED', 'UNKNOWN_INTENT', 'REPEATED_FAILURE'] as const;
export type HandOffReason = (typeof HAND_OFF_REASONS)[number];

export const DELIVERY_STATUSES = ['PENDING', 'SENT', 'FAILED'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

export const MESSAGE_AUTHOR_KINDS = ['CUSTOMER', 'BOT', 'AGENT'] as const;
export type MessageAuthorKind = (typeof MESSAGE_AUTHOR_KINDS)[number];

export const MAX_MESSAGE_LENGTH = 4000;

export const conversations = supportSchema.table(
  'conversations',
  {
    id: text('id').primaryKey(),
    /** A customer id of the customer subgraph; never joined, only referenced. */
    customerId: text('customer_id').notNull(),
    channel: text('channel').notNull(),
    /** Messenger or social provider (TELEGRAM, VK, WHATSAPP…); data, not an enum. */
    provider: text('provider'),
    subject: text('subject'),
    status: text('status').$type<ConversationStatus>().notNull(),
    assigneeStaffId: text('assignee_staff_id'),
    /** Sequence number of the last message; the next message takes the next one under the row lock. */
    messageCount: integer('message_count').notNull().default(0),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    // No database default: written from the application clock only, at millisecond precision,
    // so keyset cursors built from it compare exactly.
    lastMessageAt: timestamp('last_message_at', { withTimezone: true }).notNull(),
    /** Since when the conversation waits in the agents' queue; null when it does not wait. */
    waitingSince: timestamp('waiting_since', { withTimezone: true }),
    /** Start of the current wait for a human; the first-response SLA is measured from it. */
    handedOffAt: timestamp('handed_off_at', { withTimezone: true }),
    /** First agent message after `handed_off_at` (or in a conversation an agent took). */
    firstResponseAt: timestamp('first_response_at', { withTimezone: true }),
    handOffReason: text('hand_off_reason').$type<HandOffReason>(),
    handOffSummary: text('hand_off_summary'),
    resolvedAt: timestamp('resolved_at', { withTimezone: true }),
    /** Where replies go: the last inbound message from a provider that can be answered. */
    replyProvider: text('reply_provider').$type<MessengerProvider>(),
    /** The provider's chat (Telegram chat id, VK peer id, WhatsApp number) replies are sent to. */
    replyThreadId: text('reply_thread_id'),
  },
  (table) => [
    check('conversations_status_check', sql`${table.status} in ('BOT', 'WAITING_FOR_AGENT', 'ASSIGNED', 'RESOLVED')`),
    // Serves `Customer.conversations`: newest activity first, keyset on (last_message_at, id).
    index('conversations_customer_activity_idx').on(table.customerId, table.lastMessageAt.desc(), table.id.desc()),
    // Serves the agents' inbox: by status, oldest waiting first.
    index('conversations_status_waiting_idx').on(table.status, table.waitingSince, table.id),
  ],
);

export const messages = supportSchema.table(
  'messages',
  {
    id: text('id').primaryKey(),
    conversationId: text('conversation_id')
      .notNull()
      .references(() => conversations.id),
    /** Position in the conversation, 1-based and gapless: ids alone do not order messages sent in the same millisecond. */
    seq: integer('seq').notNull(),
    authorKind: text('author_kind').$type<MessageAuthorKind>().notNull(),
    /** The agent who wrote an AGENT message. */
    staffId: text('staff_id'),
    body: text('body').notNull(),
    channel: text('channel').notNull(),
    idempotencyKey: text('idempotency_key'),
    /** Provider the message came in through (inbound only). */
    provider: text('provider').$type<MessengerProvider>(),
    /** The provider's own id of an inbound message: the same message delivered again is stored once. */
    providerMessageId: text('provider_message_id'),
    attachments: jsonb('attachments').$type<MessageAttachment[]>(),
    /** A coupon or personal offer code the message hands to the customer. */
    offerCode: text('offer_code'),
    /** What the bot understood the customer to want, for BOT messages (reporting, hand-off summaries). */
    botIntent: text('bot_intent'),
    sentAt: timestamp('sent_at', { withTimezone: true }).notNull(),
  },
  (table) => [
    check('messages_author_kind_check', sql`${table.authorKind} in ('CUSTOMER', 'BOT', 'AGENT')`),
    check('messages_body_length_check', sql`char_length(${table.body}) between 1 and ${sql.raw(String(MAX_MESSAGE_LENGTH))}`),
    uniqueIndex('messages_conversation_seq_key').on(table.conversationId, table.seq),
    // A retried send finds its first attempt; the key is scoped to the conversation.
    uniqueIndex('messages_conversation_idempotency_key').on(table.conversationId, table.idempotencyKey),
    // Webhooks are delivered at least once, also concurrently: one row per provider message.
    uniqueIndex('messages_provider_message_key').on(table.provider, table.providerMessageId),
  ],
);

export interface MessageAttachment {
  kind: string;
  url: string;
  name: string | null;
}

/**
 * Replies waiting to reach the customer's messenger, written with the message they carry (an
 * outbox): a worker sends them with retries, so a provider being down loses no reply.
 */
export const outboundMessages = supportSchema.table(
  'outbound_messages',
  {
    messageId: text('message_id')
      .primaryKey()
      .references(() => messages.id),
    conversationId: text('conversation_id').notNull(),
    provider: text('provider').$type<MessengerProvider>().notNull(),
    threadId: text('thread_id').notNull(),
    status: text('status').$type<DeliveryStatus>().notNull(),
    attempts: integer('attempts').notNull().default(0),
    /** When the next attempt is due; also the lease of a worker that claimed the row. */
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull(),
    lastError: text('last_error'),
    sentAt: timestamp('sent_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (table) => [
    check('outbound_messages_status_check', sql`${table.status} in ('PENDING', 'SENT', 'FAILED')`),
    index('outbound_messages_due_idx').on(table.nextAttemptAt).where(sql`status = 'PENDING'`),
  ],
);

/** Domain events (`message.sent`) written with the change they describe; see @omni/events. */
export const outboxEvents = createOutboxTable(supportSchema);

/** Customer events this subgraph has applied (`customer.merged`); see @omni/events. */
export const processedEvents = createProcessedEventsTable(supportSchema);

export const tables = { conversations, messages, outboundMessages, outboxEvents, processedEvents };
export type ConversationRow = typeof conversations.$inferSelect;
export type NewConversationRow = typeof conversations.$inferInsert;
export type MessageRow = typeof messages.$inferSelect;
export type NewMessageRow = typeof messages.$inferInsert;
export type OutboundMessageRow = typeof outboundMessages.$inferSelect;
