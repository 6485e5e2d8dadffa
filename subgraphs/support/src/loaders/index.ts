import { createChildPageLoader, createKeyedLoader } from '@omni/graphql';
import type { SupportDb } from '../db/database';
import {
  findConversationPagesByCustomerIds,
  findConversationsByIds,
  findMessagePagesByConversationIds,
  findOutboundMessagesByMessageIds,
  type ConversationCursor,
} from '../db/support-queries';

/** Fresh per request: nothing cached across callers. */
export function createLoaders(db: SupportDb) {
  return {
    conversationById: createKeyedLoader((ids: readonly string[]) => findConversationsByIds(db, ids), (row) => row.id),
    conversationPagesByCustomerId: createChildPageLoader(
      (customerIds: readonly string[], page: { limit: number; after: ConversationCursor | null }) =>
        findConversationPagesByCustomerIds(db, customerIds, page),
      (row) => row.customerId,
    ),
    /** Replies' delivery to the customer's messenger, one statement per page of messages. */
    deliveryByMessageId: createKeyedLoader((ids: readonly string[]) => findOutboundMessagesByMessageIds(db, ids), (row) => row.messageId),
    messagePagesByConversationId: createChildPageLoader(
      (conversationIds: readonly string[], page: { limit: number; after: number | null }) =>
        findMessagePagesByConversationIds(db, conversationIds, page),
      (row) => row.conversationId,
    ),
  };
}

export type SupportLoaders = ReturnType<typeof createLoaders>;
