import { z } from 'zod';
import { fail, pageRequest, succeed, toConnection, userError, userErrorsFromIssues, type Connection, type ConnectionArgs, type Outcome } from '@omni/graphql';
import type { SupportContext } from '../context';
import { findMessageByIdempotencyKey, lockConversation } from '../db/support-queries';
import type { ConversationRow, MessageRow, OutboundMessageRow } from '../db/schema';
import { messageBody } from './conversation-service';
import { afterAgentMessage, afterCustomerMessage } from './conversation-rules';
import { appendMessage } from './message-writer';
import { assertCanReadSupportOf, authorOf, mayWriteFor, resolveCallerBeforeLocking } from './support-access';

const isSeqCursor = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0;

/** Messages oldest first, keyed by their gapless position in the conversation. */
export async function listMessages(ctx: SupportContext, conversation: ConversationRow, args: ConnectionArgs): Promise<Connection<MessageRow>> {
  await assertCanReadSupportOf(ctx, conversation.customerId);
  const page = pageRequest(args, isSeqCursor);
  const rows = await ctx.loaders.messagePagesByConversationId.load(conversation.id, page);
  return toConnection(rows, page, (row) => row.seq);
}

/** The reply's way to the customer's messenger; null for messages that are not sent anywhere. */
export function getDelivery(ctx: SupportContext, message: MessageRow): Promise<OutboundMessageRow | null> {
  if (message.authorKind === 'CUSTOMER') return Promise.resolve(null);
  return ctx.loaders.deliveryByMessageId.load(message.id);
}

/** Codes are case-insensitive and stored upper-case, as promotions keeps them. */
export const offerCode = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[A-Z0-9_-]{3,64}$/, 'must be 3 to 64 letters, digits, `-` or `_`');

const sendMessageInput = z.object({
  conversationId: z.string().min(1, 'must not be empty').max(100, 'must be at most 100 characters'),
  body: messageBody,
  idempotencyKey: z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters').nullish(),
  offerCode: offerCode.nullish(),
});

export type SendMessageInput = z.input<typeof sendMessageInput>;

/**
 * Appends a message written by the caller. The conversation row is locked for the whole
 * transaction, so concurrent sends to one conversation take consecutive positions and a retried
 * send sees its first attempt; the unique key on (conversation, idempotency key) backs this up.
 * A replay is answered before the state check. A customer message reopens a resolved
 * conversation; an agent's answer takes it. An agent may hand over an offer code the customer
 * can use (checked with promotions before anything is written).
 */
export async function sendMessage(
  ctx: SupportContext,
  rawInput: SendMessageInput,
): Promise<Outcome<{ conversation: ConversationRow; message: MessageRow }>> {
  const author = authorOf(ctx.caller);
  const parsed = sendMessageInput.safeParse(rawInput);
  if (!parsed.success) return fail(...userErrorsFromIssues(parsed.error.issues));
  const input = parsed.data;
  if (input.offerCode && author.kind !== 'AGENT') {
    return fail(userError('FORBIDDEN', 'Only agents hand over offer codes', ['input', 'offerCode']));
  }

  if (input.offerCode) {
    const [target] = await ctx.loaders.conversationById.loadMany([input.conversationId]);
    if (target && !(target instanceof Error)) {
      const checked = await ctx.offerCodes.check(input.offerCode, target.customerId);
      if (checked.refusal) {
        const why = { UNKNOWN: 'No such code', EXPIRED: 'The code has expired', USED_UP: 'The code is used up', NOT_YOURS: 'The code belongs to another customer' }[checked.refusal];
        return fail(userError(checked.refusal === 'NOT_YOURS' ? 'COUPON_NOT_YOURS' : 'INVALID', why, ['input', 'offerCode']));
      }
    }
  }

  await resolveCallerBeforeLocking(ctx, input.conversationId);

  const outcome = await ctx.db.transaction(async (tx): Promise<Outcome<{ conversation: ConversationRow; message: MessageRow }>> => {
    const conversation = await lockConversation(tx, input.conversationId);
    if (!conversation) return fail(userError('NOT_FOUND', 'No such conversation', ['input', 'conversationId']));
    if (!(await mayWriteFor(ctx, author, conversation.customerId))) {
      return fail(userError('FORBIDDEN', 'You may only write in your own conversations', ['input', 'conversationId']));
    }

    if (input.idempotencyKey) {
      const first = await findMessageByIdempotencyKey(tx, conversation.id, input.idempotencyKey);
      if (first) {
        const sameRequest =
          first.authorKind === author.kind && first.staffId === author.staffId && first.body === input.body && first.offerCode === (input.offerCode ?? null);
        if (!sameRequest) {
          return fail(userError('IDEMPOTENCY_KEY_REUSED', 'This idempotency key was used for another message', ['input', 'idempotencyKey']));
        }
        return succeed({ conversation, message: first });
      }
    }

    const now = new Date();
    const change = author.kind === 'CUSTOMER' ? afterCustomerMessage(conversation) : afterAgentMessage(conversation, author.staffId, now);
    return succeed(
      await appendMessage(
        tx,
        conversation,
        {
          authorKind: author.kind,
          staffId: author.staffId,
          body: input.body,
          channel: ctx.caller.channel,
          idempotencyKey: input.idempotencyKey ?? null,
          offerCode: input.offerCode ?? null,
        },
        change,
        now,
      ),
    );
  });

  if (outcome.ok) ctx.loaders.conversationById.clear(outcome.value.conversation.id).prime(outcome.value.conversation.id, outcome.value.conversation);
  return outcome;
}
