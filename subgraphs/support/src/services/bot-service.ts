import { z } from 'zod';
import { fail, succeed, userError, userErrorsFromIssues, type Outcome } from '@omni/graphql';
import type { SupportContext } from '../context';
import { findLastCustomerMessage, lockConversation } from '../db/support-queries';
import { HAND_OFF_REASONS, type ConversationRow, type MessageRow } from '../db/schema';
import { messageBody } from './conversation-service';
import { handOff, handOffNotice } from './conversation-rules';
import { appendMessage } from './message-writer';
import { requireMessengerService } from './support-access';

const conversationId = z.string().min(1, 'must not be empty').max(100, 'must be at most 100 characters');

const botMessageInput = z.object({
  conversationId,
  text: messageBody,
  intent: z
    .string()
    .trim()
    .regex(/^[a-z][a-z0-9_.-]{0,63}$/, 'must be a lower-case intent name such as "order_status"')
    .nullish(),
});

export type PostBotMessageInput = z.input<typeof botMessageInput>;

type Written = { conversation: ConversationRow; message: MessageRow };

/**
 * The bot answers in a conversation; the answer goes back through the customer's messenger. It
 * changes no state: a conversation an agent has stays theirs, a resolved one takes no answer.
 */
export async function postBotMessage(ctx: SupportContext, raw: PostBotMessageInput): Promise<Outcome<Written>> {
  requireMessengerService(ctx.caller);
  const parsed = botMessageInput.safeParse(raw);
  if (!parsed.success) return fail(...userErrorsFromIssues(parsed.error.issues));
  const input = parsed.data;
  return write(ctx, input.conversationId, async (tx, conversation, now) => {
    if (conversation.status === 'RESOLVED') return fail(userError('INVALID_STATE', 'The conversation is resolved', ['input', 'conversationId']));
    return succeed(await appendMessage(tx, conversation, { authorKind: 'BOT', staffId: null, body: input.text, channel: conversation.channel, botIntent: input.intent ?? null }, {}, now));
  });
}

const handOffInput = z.object({
  conversationId,
  reason: z.enum(HAND_OFF_REASONS),
  summary: z.string().trim().min(1, 'must not be empty').max(2000, 'must be at most 2000 characters'),
});

export type HandOffInput = z.input<typeof handOffInput>;

/**
 * The bot gives up or is asked for a person: the conversation joins the agents' queue with the
 * reason and the bot's summary, and the customer is told by a BOT message, in the language
 * they wrote in.
 */
export async function handOffConversation(ctx: SupportContext, raw: HandOffInput): Promise<Outcome<Written>> {
  requireMessengerService(ctx.caller);
  const parsed = handOffInput.safeParse(raw);
  if (!parsed.success) return fail(...userErrorsFromIssues(parsed.error.issues));
  const input = parsed.data;
  return write(ctx, input.conversationId, async (tx, conversation, now) => {
    const transition = handOff(conversation, input.reason, input.summary, now);
    if (!transition.ok) return fail(userError('INVALID_STATE', transition.message, ['input', 'conversationId']));
    const last = await findLastCustomerMessage(tx, conversation.id);
    return succeed(
      await appendMessage(tx, conversation, { authorKind: 'BOT', staffId: null, body: handOffNotice(last?.body ?? null), channel: conversation.channel, botIntent: 'hand_off' }, transition.change, now),
    );
  });
}

async function write(
  ctx: SupportContext,
  id: string,
  change: (tx: SupportContext['db'], conversation: ConversationRow, now: Date) => Promise<Outcome<Written>>,
): Promise<Outcome<Written>> {
  const outcome = await ctx.db.transaction(async (tx): Promise<Outcome<Written>> => {
    const conversation = await lockConversation(tx, id);
    if (!conversation) return fail(userError('NOT_FOUND', 'No such conversation', ['input', 'conversationId']));
    return change(tx, conversation, new Date());
  });
  if (outcome.ok) ctx.loaders.conversationById.clear(outcome.value.conversation.id).prime(outcome.value.conversation.id, outcome.value.conversation);
  return outcome;
}
