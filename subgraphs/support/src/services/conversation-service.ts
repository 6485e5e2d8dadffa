import { z } from 'zod';
import { CHANNELS } from '@omni/auth';
import { isIdOf, newId } from '@omni/db';
import {
  fail,
  isBlankId,
  isIdKey,
  isTimestampKey,
  pageRequest,
  succeed,
  toConnection,
  userError,
  userErrorsFromIssues,
  type Connection,
  type ConnectionArgs,
  type Outcome,
} from '@omni/graphql';
import type { SupportContext } from '../context';
import { publishMessageReceived, publishMessageSent } from './message-events';
import { insertConversation, insertMessage, type ConversationCursor } from '../db/support-queries';
import { MAX_MESSAGE_LENGTH, type ConversationRow, type MessageRow } from '../db/schema';
import { initialStatus } from './conversation-rules';
import { assertCanReadSupportOf, authorOf } from './support-access';

export async function getConversation(ctx: SupportContext, id: string): Promise<ConversationRow | null> {
  const conversation = await ctx.loaders.conversationById.load(id);
  if (!conversation) return null;
  await assertCanReadSupportOf(ctx, conversation.customerId);
  return conversation;
}

const isConversationCursor = (value: unknown): value is ConversationCursor =>
  Array.isArray(value) &&
  value.length === 2 &&
  isTimestampKey(value[0]) &&
  isIdKey(value[1]);

/**
 * A customer's conversations, newest activity first. The key (last message time, id) moves when a
 * conversation gets a message, so one that becomes active while a client pages is not repeated
 * on a later page; it shows up at the top on the next first page.
 */
export async function listCustomerConversations(
  ctx: SupportContext,
  customerId: string,
  args: ConnectionArgs,
): Promise<Connection<ConversationRow>> {
  await assertCanReadSupportOf(ctx, customerId);
  const page = pageRequest(args, isConversationCursor);
  const rows = await ctx.loaders.conversationPagesByCustomerId.load(customerId, page);
  for (const row of rows) ctx.loaders.conversationById.prime(row.id, row);
  return toConnection(rows, page, (row): ConversationCursor => [row.lastMessageAt.toISOString(), row.id]);
}

export const messageBody = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(MAX_MESSAGE_LENGTH, `must be at most ${MAX_MESSAGE_LENGTH} characters`);

const startConversationInput = z.object({
  customerId: z
    .string()
    .refine((id) => !isBlankId(id), 'must not be empty')
    .nullish(),
  channel: z.enum(CHANNELS).nullish(),
  provider: z
    .string()
    .trim()
    .toUpperCase()
    .regex(/^[A-Z][A-Z0-9_]{0,31}$/, 'must be a provider name such as "TELEGRAM"')
    .nullish(),
  subject: z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters').nullish(),
  body: messageBody,
});

export type StartConversationInput = z.input<typeof startConversationInput>;

/**
 * Opens a conversation with its first message. A customer-started conversation goes to the bot
 * first; one an agent starts (an outbound call, a follow-up) is assigned to that agent.
 */
export async function startConversation(
  ctx: SupportContext,
  rawInput: StartConversationInput,
): Promise<Outcome<{ conversation: ConversationRow; message: MessageRow }>> {
  const author = authorOf(ctx.caller);
  const parsed = startConversationInput.safeParse(rawInput);
  if (!parsed.success) return fail(...userErrorsFromIssues(parsed.error.issues));
  const input = parsed.data;

  let customerId: string;
  if (author.kind === 'CUSTOMER') {
    // A token of a record merged into another starts the survivor's conversation.
    const self = (await ctx.currentSelfId()) ?? author.customerId;
    if (input.customerId && input.customerId !== author.customerId && input.customerId !== self) {
      return fail(userError('FORBIDDEN', 'You may only start conversations for yourself', ['input', 'customerId']));
    }
    customerId = self;
  } else {
    if (!input.customerId) return fail(userError('INVALID', 'is required when acting for a customer', ['input', 'customerId']));
    if (!isIdOf('cus', input.customerId)) return fail(userError('INVALID', 'must be a customer id', ['input', 'customerId']));
    // Staff type the id: it must name someone (a merged record's conversations go to the survivor).
    const current = await ctx.customers.currentCustomerId(input.customerId);
    if (!current) return fail(userError('NOT_FOUND', 'No such customer', ['input', 'customerId']));
    customerId = current;
  }

  const now = new Date();
  const channel = input.channel ?? ctx.caller.channel;
  const created = await ctx.db.transaction(async (tx) => {
    const conversation = await insertConversation(tx, {
      id: newId('conv'),
      customerId,
      channel,
      provider: input.provider ?? null,
      subject: input.subject ?? null,
      status: initialStatus(author.kind),
      assigneeStaffId: author.staffId,
      firstResponseAt: author.kind === 'AGENT' ? now : null,
      messageCount: 1,
      createdAt: now,
      lastMessageAt: now,
    });
    const message = await insertMessage(tx, {
      id: newId('msg'),
      conversationId: conversation.id,
      seq: 1,
      authorKind: author.kind,
      staffId: author.staffId,
      body: input.body,
      channel,
      sentAt: now,
    });
    await publishMessageSent(tx, conversation, message);
    if (author.kind === 'CUSTOMER') await publishMessageReceived(tx, conversation, message);
    return { conversation, message };
  });
  ctx.loaders.conversationById.prime(created.conversation.id, created.conversation);
  return succeed(created);
}

