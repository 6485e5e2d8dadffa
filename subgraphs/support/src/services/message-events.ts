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
      provider: message.provider ?? conversation.provider,
      authorKind: message.authorKind,
    },
    occurredAt: message.sentAt,
  });
}

/**
 * `message.received`, for every message a customer writes (through a messenger, a logged call or
 * our own apps), so the bot can answer while the conversation is still the bot's. Carries the
 * text: the bot needs it, and the event stays inside our services.
 */
export function publishMessageReceived(tx: SupportDb, conversation: ConversationRow, message: MessageRow): Promise<string> {
  return publishEvent(tx, outboxEvents, {
    type: 'message.received',
    aggregateId: conversation.id,
    payload: {
      conversationId: conversation.id,
      messageId: message.id,
      customerId: conversation.customerId,
      channel: message.channel,
      provider: message.provider ?? conversation.provider,
      text: message.body,
      conversationStatus: conversation.status,
    },
    occurredAt: message.sentAt,
  });
}

/**
 * `conversation.changed`, written in the transaction of an inbox transition (taken, assigned,
 * transferred, resolved, reopened), so whoever follows the conversation live sees its status and
 * assignee change as well as its messages.
 */
export function publishConversationChanged(tx: SupportDb, conversation: ConversationRow): Promise<string> {
  return publishEvent(tx, outboxEvents, {
    type: 'conversation.changed',
    aggregateId: conversation.id,
    payload: { conversationId: conversation.id, status: conversation.status, assigneeStaffId: conversation.assigneeStaffId },
  });
}
