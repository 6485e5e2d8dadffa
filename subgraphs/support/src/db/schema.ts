import { sql } from 'drizzle-orm';
import { check, index, integer, pgSchema, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { createOutboxTable, createProcessedEventsTable } from '@omni/events';

/** Everything the support subgraph stores lives in its own Postgres schema. */
export const supportSchema = pgSchema('support');

export const CONVERSATION_STATUSES = ['OPEN', 'WAITING_FOR_AGENT', 'CLOSED'] as const;
export type ConversationStatus = (typeof CONVERSATION_STATUSES)[number];

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
  },
  (table) => [
    check('conversations_status_check', sql`${table.status} in ('OPEN', 'WAITING_FOR_AGENT', 'CLOSED')`),
    // Serves `Customer.conversations`: newest activity first, keyset on (last_message_at, id).
    index('conversations_customer_activity_idx').on(table.customerId, table.lastMessageAt.desc(), table.id.desc()),
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
    sentAt: timestamp('sent_at', { withTimezone: true }).notNull(),
  },
  (table) => [
    check('messages_author_kind_check', sql`${table.authorKind} in ('CUSTOMER', 'BOT', 'AGENT')`),
    check('messages_body_length_check', sql`char_length(${table.body}) between 1 and ${sql.raw(String(MAX_MESSAGE_LENGTH))}`),
    uniqueIndex('messages_conversation_seq_key').on(table.conversationId, table.seq),
    // A retried send finds its first attempt; the key is scoped to the conversation.
    uniqueIndex('messages_conversation_idempotency_key').on(table.conversationId, table.idempotencyKey),
  ],
);

/** Domain events (`message.sent`) written with the change they describe; see @omni/events. */
export const outboxEvents = createOutboxTable(supportSchema);

/** Customer events this subgraph has applied (`customer.merged`); see @omni/events. */
export const processedEvents = createProcessedEventsTable(supportSchema);

export const tables = { conversations, messages, outboxEvents, processedEvents };
export type ConversationRow = typeof conversations.$inferSelect;
export type NewConversationRow = typeof conversations.$inferInsert;
export type MessageRow = typeof messages.$inferSelect;
export type NewMessageRow = typeof messages.$inferInsert;
