import { createChildPageLoader, createKeyedLoader } from '@omni/graphql';
import type { SupportDb } from '../db/database';
import {
  findConversationPagesByCustomerIds,
  findConversationsByIds,
  findMessagePagesByConversationIds,
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
    messagePagesByConversationId: createChildPageLoader(
      (conversationIds: readonly string[], page: { limit: number; after: number | null }) =>
        findMessagePagesByConversationIds(db, conversationIds, page),
      (row) => row.conversationId,
    ),
  };
}

export type SupportLoaders = ReturnType<typeof createLoaders>;
