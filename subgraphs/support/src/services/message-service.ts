import { z } from 'zod';
import { newId } from '@omni/db';
import { fail, pageRequest, succeed, toConnection, userError, userErrorsFromIssues, type Connection, type ConnectionArgs, type Outcome } from '@omni/graphql';
import type { SupportContext } from '../context';
import { findMessageByIdempotencyKey, insertMessage, lockConversation, updateConversation } from '../db/support-queries';
import type { ConversationRow, MessageRow } from '../db/schema';
import { messageBody } from './conversation-service';
import { publishMessageSent } from './message-events';
import { assertCanReadSupportOf, authorOf, mayWriteFor } from './support-access';

const isSeqCursor = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0;

/** Messages oldest first, keyed by their gapless position in the conversation. */
export async function listMessages(ctx: SupportContext, conversation: ConversationRow, args: ConnectionArgs): Promise<Connection<MessageRow>> {
  assertCanReadSupportOf(ctx.caller, conversation.customerId);
  const page = pageRequest(args, isSeqCursor);
  const rows = await ctx.loaders.messagePagesByConversationId.load(conversation.id, page);
  return toConnection(rows, page, (row) => row.seq);
}

const sendMessageInput = z.object({
  conversationId: z.string().min(1, 'must not be empty'),
  body: messageBody,
  idempotencyKey: z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters').nullish(),
});

export type SendMessageInput = z.input<typeof sendMessageInput>;

/**
 * Appends a message written by the caller. The conversation row is locked for the whole
 * transaction, so concurrent sends to one conversation take consecutive positions and a retried
 * send sees its first attempt; the unique key on (conversation, idempotency key) backs this up.
 * A replay is answered before the state check, so a retry after the conversation closed still
 * gets its original message.
 */
export async function sendMessage(
  ctx: SupportContext,
  rawInput: SendMessageInput,
): Promise<Outcome<{ conversation: ConversationRow; message: MessageRow }>> {
  const author = authorOf(ctx.caller);
  const parsed = sendMessageInput.safeParse(rawInput);
  if (!parsed.success) return fail(...userErrorsFromIssues(parsed.error.issues));
  const input = parsed.data;

  const outcome = await ctx.db.transaction(async (tx): Promise<Outcome<{ conversation: ConversationRow; message: MessageRow }>> => {
    const conversation = await lockConversation(tx, input.conversationId);
    if (!conversation) return fail(userError('NOT_FOUND', 'No such conversation', ['input', 'conversationId']));
    if (!mayWriteFor(author, conversation.customerId)) {
      return fail(userError('FORBIDDEN', 'You may only write in your own conversations', ['input', 'conversationId']));
    }

    if (input.idempotencyKey) {
      const first = await findMessageByIdempotencyKey(tx, conversation.id, input.idempotencyKey);
      if (first) {
        const sameRequest = first.authorKind === author.kind && first.staffId === author.staffId && first.body === input.body;
        if (!sameRequest) {
          return fail(userError('IDEMPOTENCY_KEY_REUSED', 'This idempotency key was used for another message', ['input', 'idempotencyKey']));
        }
        return succeed({ conversation, message: first });
      }
    }

    if (conversation.status === 'CLOSED') {
      return fail(userError('INVALID_STATE', 'The conversation is closed', ['input', 'conversationId']));
    }

    const now = new Date();
    const seq = conversation.messageCount + 1;
    const message = await insertMessage(tx, {
      id: newId('msg'),
      conversationId: conversation.id,
      seq,
      authorKind: author.kind,
      staffId: author.staffId,
      body: input.body,
      channel: ctx.caller.channel,
      idempotencyKey: input.idempotencyKey ?? null,
      sentAt: now,
    });
    const updated = await updateConversation(tx, conversation.id, {
      messageCount: seq,
      // Replicas' clocks may disagree by a little; the activity key must never move backwards.
      lastMessageAt: new Date(Math.max(now.getTime(), conversation.lastMessageAt.getTime())),
      // A customer waits until an agent answers; the first agent to answer takes the conversation.
      status: author.kind === 'CUSTOMER' ? 'WAITING_FOR_AGENT' : 'OPEN',
      assigneeStaffId: conversation.assigneeStaffId ?? author.staffId,
    });
    await publishMessageSent(tx, updated, message);
    return succeed({ conversation: updated, message });
  });

  if (outcome.ok) ctx.loaders.conversationById.clear(outcome.value.conversation.id).prime(outcome.value.conversation.id, outcome.value.conversation);
  return outcome;
}
