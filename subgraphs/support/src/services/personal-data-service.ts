import { z } from 'zod';
import { badUserInput, requireInternalCall } from '@omni/graphql';
import type { SupportContext } from '../context';
import { anonymiseConversationsOfCustomers, findConversationsWithMessagesOfCustomers } from '../db/personal-data-queries';

/** Every id a person has had (merged ids included), as the customer subgraph sends them. */
const customerIds = z.array(z.string().min(1).max(100)).min(1).max(100);

function parseIds(ids: readonly string[]): string[] {
  const parsed = customerIds.safeParse(ids);
  if (!parsed.success) throw badUserInput('customerIds must hold 1 to 100 ids');
  return parsed.data;
}

/** Internal, for the customer subgraph's `exportCustomerData`: conversations and messages as JSON. */
export async function exportCustomerConversations(ctx: SupportContext, ids: readonly string[]): Promise<string> {
  requireInternalCall(ctx.caller);
  const { conversations, messages } = await findConversationsWithMessagesOfCustomers(ctx.db, parseIds(ids));
  return JSON.stringify({
    conversations: conversations.map((conversation) => ({
      ...conversation,
      messages: messages.filter((message) => message.conversationId === conversation.id),
    })),
  });
}

/**
 * Internal, for the customer subgraph's `eraseCustomer`: conversations and messages stay as
 * records (counts, times, channels, who answered) but every text is blanked. Idempotent.
 */
export async function eraseCustomerConversations(ctx: SupportContext, ids: readonly string[]): Promise<number> {
  requireInternalCall(ctx.caller);
  const erased = await ctx.db.transaction((tx) => anonymiseConversationsOfCustomers(tx, parseIds(ids)));
  ctx.loaders.conversationById.clearAll();
  return erased;
}
