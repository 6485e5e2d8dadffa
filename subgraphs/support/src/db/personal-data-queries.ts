import { asc, inArray } from 'drizzle-orm';
import { conversations, messages, type ConversationRow, type MessageRow } from './schema';
import type { SupportDb } from './database';

/** What an erased message reads afterwards; the record and its place in the conversation stay. */
export const ERASED_BODY = '[erased]';

export async function findConversationsWithMessagesOfCustomers(
  db: SupportDb,
  customerIds: readonly string[],
): Promise<{ conversations: ConversationRow[]; messages: MessageRow[] }> {
  const found = await db.select().from(conversations).where(inArray(conversations.customerId, [...customerIds])).orderBy(asc(conversations.id));
  if (found.length === 0) return { conversations: [], messages: [] };
  const rows = await db
    .select()
    .from(messages)
    .where(inArray(messages.conversationId, found.map((conversation) => conversation.id)))
    .orderBy(asc(messages.conversationId), asc(messages.seq));
  return { conversations: found, messages: rows };
}

/** Blanks every message text and subject of the person's conversations, agents' answers included (they quote the person). */
export async function anonymiseConversationsOfCustomers(tx: SupportDb, customerIds: readonly string[]): Promise<number> {
  const found = await tx
    .update(conversations)
    // The hand-off summary describes the person, the reply address points at their messenger account.
    .set({ subject: null, handOffSummary: null, replyThreadId: null })
    .where(inArray(conversations.customerId, [...customerIds]))
    .returning({ id: conversations.id });
  if (found.length === 0) return 0;
  await tx.update(messages).set({ body: ERASED_BODY, attachments: null }).where(inArray(messages.conversationId, found.map((row) => row.id)));
  return found.length;
}
