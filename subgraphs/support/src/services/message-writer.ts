import { newId } from '@omni/db';
import type { SupportDb } from '../db/database';
import { insertMessage, insertOutboundMessage, updateConversation } from '../db/support-queries';
import type { ConversationRow, MessageRow, NewMessageRow } from '../db/schema';
import { OUTBOUND_PROVIDERS, type InboxChange } from './conversation-rules';
import { publishMessageReceived, publishMessageSent } from './message-events';

export type NewMessage = Omit<NewMessageRow, 'id' | 'conversationId' | 'seq' | 'sentAt'> & { sentAt?: Date };

/**
 * Appends a message to a conversation the transaction holds locked, with the inbox change it
 * causes, its events, and — for a bot or agent message in a conversation that came through a
 * messenger — the reply to send there (the outbound table, sent by the worker after commit).
 */
export async function appendMessage(
  tx: SupportDb,
  conversation: ConversationRow,
  input: NewMessage,
  change: InboxChange & Partial<Pick<ConversationRow, 'replyProvider' | 'replyThreadId'>>,
  now: Date,
): Promise<{ conversation: ConversationRow; message: MessageRow }> {
  const seq = conversation.messageCount + 1;
  const message = await insertMessage(tx, { ...input, id: newId('msg'), conversationId: conversation.id, seq, sentAt: input.sentAt ?? now });
  const updated = await updateConversation(tx, conversation.id, {
    ...change,
    messageCount: seq,
    // Replicas' clocks may disagree by a little; the activity key must never move backwards.
    lastMessageAt: new Date(Math.max(now.getTime(), conversation.lastMessageAt.getTime())),
  });
  await publishMessageSent(tx, updated, message);
  if (message.authorKind === 'CUSTOMER') await publishMessageReceived(tx, updated, message);
  else await enqueueReply(tx, updated, message, now);
  return { conversation: updated, message };
}

/** A reply goes back through the last messenger the customer wrote from, if it can carry one. */
export async function enqueueReply(tx: SupportDb, conversation: ConversationRow, message: MessageRow, now: Date): Promise<void> {
  if (!conversation.replyProvider || !conversation.replyThreadId || !OUTBOUND_PROVIDERS.includes(conversation.replyProvider)) return;
  await insertOutboundMessage(tx, {
    messageId: message.id,
    conversationId: conversation.id,
    provider: conversation.replyProvider,
    threadId: conversation.replyThreadId,
    status: 'PENDING',
    nextAttemptAt: now,
    createdAt: now,
  });
}
