import { and, asc, desc, eq, gt, lt, sql, type SQL } from 'drizzle-orm';
import { findFirstRowsPerParentPrepared, isAnyOf, preparedOnce, type PreparedChildPageQuery } from '@omni/db';
import type { SupportDb } from './database';
import {
  conversations,
  messages,
  outboundMessages,
  type ConversationRow,
  type ConversationStatus,
  type MessageRow,
  type NewConversationRow,
  type MessengerProvider,
  type NewMessageRow,
  type OutboundMessageRow,
} from './schema';

/** Keyset position in a customer's conversation list: newest activity first. */
export type ConversationCursor = [lastMessageAtIso: string, id: string];

export function findConversationsByIds(db: SupportDb, ids: readonly string[]): Promise<ConversationRow[]> {
  return preparedOnce(db, 'conversationsByIds', (on) => on.select().from(conversations).where(isAnyOf(conversations.id)).prepare('support_conversations_by_ids')).execute({ keys: ids });
}

/**
 * One page of conversations for each customer in one statement: rank each customer's
 * conversations after the cursor and keep `limit + 1` per customer.
 */
export async function findConversationPagesByCustomerIds(
  db: SupportDb,
  customerIds: readonly string[],
  page: { limit: number; after: ConversationCursor | null },
): Promise<ConversationRow[]> {
  const limit = page.limit + 1;
  if (!page.after) return findFirstRowsPerParentPrepared(db, 'support_conversation_pages', conversationPages(false), { keys: customerIds, limit });
  const [afterLastMessageAt, afterId] = page.after;
  return findFirstRowsPerParentPrepared(db, 'support_conversation_pages_after', conversationPages(true), { keys: customerIds, afterLastMessageAt, afterId, limit });
}

/** The two shapes of `findConversationPagesByCustomerIds`, first page or after a cursor, with their values as placeholders. */
const conversationPages =
  (afterCursor: boolean) => (): PreparedChildPageQuery<typeof conversations> => ({
    table: conversations,
    parent: conversations.customerId,
    where: and(
      isAnyOf(conversations.customerId),
      afterCursor
        ? sql`(${conversations.lastMessageAt}, ${conversations.id}) < (${sql.placeholder('afterLastMessageAt')}::timestamptz, ${sql.placeholder('afterId')})`
        : undefined,
    ),
    orderBy: [desc(conversations.lastMessageAt), desc(conversations.id)],
    limit: sql.placeholder('limit'),
  });

/** One page of messages for each conversation in one statement, oldest first by sequence number. */
export async function findMessagePagesByConversationIds(
  db: SupportDb,
  conversationIds: readonly string[],
  page: { limit: number; after: number | null },
): Promise<MessageRow[]> {
  const limit = page.limit + 1;
  if (page.after === null) return findFirstRowsPerParentPrepared(db, 'support_message_pages', messagePages(false), { keys: conversationIds, limit });
  return findFirstRowsPerParentPrepared(db, 'support_message_pages_after', messagePages(true), { keys: conversationIds, after: page.after, limit });
}

/** The two shapes of `findMessagePagesByConversationIds`, first page or after a cursor, with their values as placeholders. */
const messagePages =
  (afterCursor: boolean) => (): PreparedChildPageQuery<typeof messages> => ({
    table: messages,
    parent: messages.conversationId,
    where: and(isAnyOf(messages.conversationId), afterCursor ? gt(messages.seq, sql.placeholder('after')) : undefined),
    orderBy: [asc(messages.seq)],
    limit: sql.placeholder('limit'),
  });

/** Holds the conversation row until the transaction ends: sends to one conversation run one at a time. */
export async function lockConversation(tx: SupportDb, id: string): Promise<ConversationRow | null> {
  const [row] = await tx.select().from(conversations).where(eq(conversations.id, id)).for('update');
  return row ?? null;
}

export async function findMessageByIdempotencyKey(tx: SupportDb, conversationId: string, idempotencyKey: string): Promise<MessageRow | null> {
  const [row] = await tx
    .select()
    .from(messages)
    .where(and(eq(messages.conversationId, conversationId), eq(messages.idempotencyKey, idempotencyKey)));
  return row ?? null;
}

export async function insertConversation(tx: SupportDb, row: NewConversationRow): Promise<ConversationRow> {
  const [inserted] = await tx.insert(conversations).values(row).returning();
  return inserted!;
}

export async function insertMessage(tx: SupportDb, row: NewMessageRow): Promise<MessageRow> {
  const [inserted] = await tx.insert(messages).values(row).returning();
  return inserted!;
}

export async function updateConversation(tx: SupportDb, id: string, changes: Partial<Omit<ConversationRow, 'id' | 'customerId' | 'createdAt'>>): Promise<ConversationRow> {
  const [row] = await tx.update(conversations).set(changes).where(eq(conversations.id, id)).returning();
  return row!;
}

export async function setConversationStatus(db: SupportDb, id: string, status: ConversationStatus): Promise<ConversationRow | null> {
  const [row] = await db.update(conversations).set({ status }).where(eq(conversations.id, id)).returning();
  return row ?? null;
}

export async function findMessageByProviderMessageId(db: SupportDb, provider: MessengerProvider, providerMessageId: string): Promise<MessageRow | null> {
  const [row] = await db
    .select()
    .from(messages)
    .where(and(eq(messages.provider, provider), eq(messages.providerMessageId, providerMessageId)));
  return row ?? null;
}

/**
 * Serialises inbound messages of one customer for the transaction (a transaction-scoped advisory
 * lock), so two messages arriving at once continue the same conversation instead of opening two,
 * then locks and returns the customer's latest conversation.
 */
export async function lockLatestConversationOfCustomer(tx: SupportDb, customerId: string): Promise<ConversationRow | null> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`support.inbound:${customerId}`}, 0))`);
  const [row] = await tx
    .select()
    .from(conversations)
    .where(eq(conversations.customerId, customerId))
    .orderBy(desc(conversations.lastMessageAt), desc(conversations.id))
    .limit(1)
    .for('update');
  return row ?? null;
}

/** The newest message the customer wrote, for the language of what the bot tells them. */
export async function findLastCustomerMessage(db: SupportDb, conversationId: string): Promise<MessageRow | null> {
  const [row] = await db
    .select()
    .from(messages)
    .where(and(eq(messages.conversationId, conversationId), eq(messages.authorKind, 'CUSTOMER')))
    .orderBy(desc(messages.seq))
    .limit(1);
  return row ?? null;
}

export async function insertOutboundMessage(tx: SupportDb, row: typeof outboundMessages.$inferInsert): Promise<void> {
  await tx.insert(outboundMessages).values(row);
}

export function findOutboundMessagesByMessageIds(db: SupportDb, messageIds: readonly string[]): Promise<OutboundMessageRow[]> {
  return preparedOnce(db, 'outboundMessagesByMessageIds', (on) =>
    on.select().from(outboundMessages).where(isAnyOf(outboundMessages.messageId)).prepare('support_outbound_messages_by_message_ids'),
  ).execute({ keys: messageIds });
}

/** Keyset position in the agents' inbox: oldest activity first, so the longest-waiting come first. */
export type InboxCursor = [lastMessageAtIso: string, id: string];

export interface InboxFilter {
  status?: ConversationStatus | null;
  channel?: string | null;
  assigneeStaffId?: string | null;
  waitingSince?: Date | null;
}

/** One page of the agents' inbox, oldest activity first. */
export function findInboxPage(db: SupportDb, filter: InboxFilter, page: { limit: number; after: InboxCursor | null }): Promise<ConversationRow[]> {
  const conditions: SQL[] = [];
  if (filter.status) conditions.push(eq(conversations.status, filter.status));
  if (filter.channel) conditions.push(eq(conversations.channel, filter.channel));
  if (filter.assigneeStaffId) conditions.push(eq(conversations.assigneeStaffId, filter.assigneeStaffId));
  if (filter.waitingSince) conditions.push(lt(conversations.waitingSince, filter.waitingSince));
  if (page.after) {
    const [lastMessageAt, id] = page.after;
    conditions.push(sql`(${conversations.lastMessageAt}, ${conversations.id}) > (${lastMessageAt}::timestamptz, ${id})`);
  }
  return db
    .select()
    .from(conversations)
    .where(and(...conditions))
    .orderBy(asc(conversations.lastMessageAt), asc(conversations.id))
    .limit(page.limit + 1);
}
