import { publishEvent } from '@omni/events';
import type { SupportDb } from '../db/database';
import { outboxEvents, type ConversationRow, type MessageRow } from '../db/schema';

/** `message.sent`, written in the transaction that stores the message (the customer timeline consumes it). */
export function publishMessageSent(tx: SupportDb, conversation: ConversationRow, message: MessageRow): Promise<string> {
  return publishEvent(tx, outboxEvents, {
    type: 'message.sent',
    aggregateId: conversation.id,
    payload: {
      conversationId: conversation.id,
      messageId: message.id,
      customerId: conversation.customerId,
      channel: message.channel,
      provider: conversation.provider,
      authorKind: message.authorKind,
    },
    occurredAt: message.sentAt,
  });
}
