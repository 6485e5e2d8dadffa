import { z } from 'zod';
import { CHANNELS } from '@omni/auth';
import { isIdOf } from '@omni/db';
import {
  badUserInput,
  fail,
  isIdKey,
  isTimestampKey,
  pageRequest,
  requireStaffScope,
  succeed,
  toConnection,
  userError,
  userErrorsFromIssues,
  type Connection,
  type ConnectionArgs,
  type Outcome,
} from '@omni/graphql';
import type { SupportContext } from '../context';
import { findInboxPage, lockConversation, updateConversation, type InboxCursor } from '../db/support-queries';
import { CONVERSATION_STATUSES, type ConversationRow } from '../db/schema';
import { assign, isSlaBreached, resolve, take, transfer, type InboxState, type Transition } from './conversation-rules';
import { authorOf, isCallingCustomer, requireInboxAgent, resolveCallerBeforeLocking } from './support-access';
import { publishConversationChanged } from './message-events';

const inboxFilter = z
  .object({
    status: z.enum(CONVERSATION_STATUSES).nullish(),
    channel: z.enum(CHANNELS).nullish(),
    assigneeId: z.string().refine((id) => isIdOf('staff', id), 'must be a staff id (`staff_…`)').nullish(),
    waitingLongerThanMinutes: z.int().min(0, 'must be at least 0').max(525_600, 'must be at most 525600').nullish(),
  })
  .nullish();

export type InboxFilterInput = z.input<typeof inboxFilter>;

const isInboxCursor = (value: unknown): value is InboxCursor =>
  Array.isArray(value) && value.length === 2 && isTimestampKey(value[0]) && isIdKey(value[1]);

/**
 * The agents' inbox: every conversation matching the filter, oldest activity first. Waiting
 * longer than N minutes means in the queue (WAITING_FOR_AGENT) since before now − N.
 */
export async function listInbox(ctx: SupportContext, rawFilter: InboxFilterInput, args: ConnectionArgs): Promise<Connection<ConversationRow>> {
  requireInboxReader(ctx);
  const parsed = inboxFilter.safeParse(rawFilter);
  if (!parsed.success) throw badUserInput(`Invalid filter: ${parsed.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`).join('; ')}`);
  const filter = parsed.data ?? {};
  const page = pageRequest(args, isInboxCursor);
  const waitingSince = filter.waitingLongerThanMinutes == null ? null : new Date(Date.now() - filter.waitingLongerThanMinutes * 60_000);
  const rows = await findInboxPage(
    ctx.db,
    { status: filter.status, channel: filter.channel, assigneeStaffId: filter.assigneeId, waitingSince },
    page,
  );
  for (const row of rows) ctx.loaders.conversationById.prime(row.id, row);
  return toConnection(rows, page, (row): InboxCursor => [row.lastMessageAt.toISOString(), row.id]);
}

/** The inbox is the agents' view across customers: staff and admins with `support:read`. */
function requireInboxReader(ctx: SupportContext): void {
  requireStaffScope(ctx.caller, 'support:read', 'Requires the support:read permission');
}

/** Whether the SLA for the first answer was missed (or is being missed now). */
export function slaBreached(ctx: SupportContext, conversation: ConversationRow): boolean {
  return isSlaBreached(conversation, ctx.firstResponseSlaMinutes, new Date());
}

const conversationIdInput = z.object({ conversationId: z.string().min(1, 'must not be empty').max(100, 'must be at most 100 characters') });
const staffTargetInput = conversationIdInput.extend({
  staffId: z.string().refine((id) => isIdOf('staff', id), 'must be a staff id (`staff_…`)'),
});

export type ConversationIdInput = z.input<typeof conversationIdInput>;
export type StaffTargetInput = z.input<typeof staffTargetInput>;

/** Locks the conversation, applies one inbox transition and stores it; INVALID_STATE when the rules refuse. */
async function changeConversation(
  ctx: SupportContext,
  conversationId: string,
  decide: (state: InboxState) => Transition,
  mayChange: (conversation: ConversationRow) => Promise<boolean> = async () => true,
): Promise<Outcome<ConversationRow>> {
  const field = ['input', 'conversationId'];
  await resolveCallerBeforeLocking(ctx, conversationId);
  const outcome = await ctx.db.transaction(async (tx): Promise<Outcome<ConversationRow>> => {
    const conversation = await lockConversation(tx, conversationId);
    if (!conversation) return fail(userError('NOT_FOUND', 'No such conversation', field));
    if (!(await mayChange(conversation))) return fail(userError('FORBIDDEN', 'You may only change your own conversations', field));
    const transition = decide(conversation);
    if (!transition.ok) return fail(userError('INVALID_STATE', transition.message, field));
    if (Object.keys(transition.change).length === 0) return succeed(conversation);
    const changed = await updateConversation(tx, conversation.id, transition.change);
    await publishConversationChanged(tx, changed);
    return succeed(changed);
  });
  if (outcome.ok) ctx.loaders.conversationById.clear(outcome.value.id).prime(outcome.value.id, outcome.value);
  return outcome;
}

function parseOr<T>(schema: z.ZodType<T>, raw: unknown): Outcome<T> {
  const parsed = schema.safeParse(raw);
  return parsed.success ? succeed(parsed.data) : fail(...userErrorsFromIssues(parsed.error.issues));
}

/**
 * A conversation may only go to someone who exists: the customer subgraph owns staff members.
 * Asked before the conversation is locked, so no row lock waits on another service.
 */
async function refuseUnknownStaff(ctx: SupportContext, staffId: string): Promise<Outcome<never> | null> {
  return (await ctx.staff.exists(staffId)) ? null : fail(userError('NOT_FOUND', 'No such staff member', ['input', 'staffId']));
}

/** The calling agent takes a conversation from the queue (or from the bot). */
export async function takeConversation(ctx: SupportContext, raw: ConversationIdInput): Promise<Outcome<ConversationRow>> {
  requireInboxAgent(ctx.caller);
  const input = parseOr(conversationIdInput, raw);
  if (!input.ok) return input;
  const staffId = ctx.caller.staffId;
  if (!staffId) return fail(userError('INVALID', 'Only a staff member can take a conversation; assign it to one instead', ['input', 'conversationId']));
  return changeConversation(ctx, input.value.conversationId, (state) => take(state, staffId));
}

/** Gives a conversation nobody has to a named agent (a lead dispatching the queue). */
export async function assignConversation(ctx: SupportContext, raw: StaffTargetInput): Promise<Outcome<ConversationRow>> {
  requireInboxAgent(ctx.caller);
  const input = parseOr(staffTargetInput, raw);
  if (!input.ok) return input;
  const unknownStaff = await refuseUnknownStaff(ctx, input.value.staffId);
  if (unknownStaff) return unknownStaff;
  return changeConversation(ctx, input.value.conversationId, (state) => assign(state, input.value.staffId));
}

/** Moves an assigned conversation to another agent. */
export async function transferConversation(ctx: SupportContext, raw: StaffTargetInput): Promise<Outcome<ConversationRow>> {
  requireInboxAgent(ctx.caller);
  const input = parseOr(staffTargetInput, raw);
  if (!input.ok) return input;
  const unknownStaff = await refuseUnknownStaff(ctx, input.value.staffId);
  if (unknownStaff) return unknownStaff;
  return changeConversation(ctx, input.value.conversationId, (state) => transfer(state, input.value.staffId));
}

/** Agents resolve any conversation. Idempotent. */
export async function resolveConversation(ctx: SupportContext, raw: ConversationIdInput): Promise<Outcome<ConversationRow>> {
  requireInboxAgent(ctx.caller);
  const input = parseOr(conversationIdInput, raw);
  if (!input.ok) return input;
  return changeConversation(ctx, input.value.conversationId, (state) => resolve(state, new Date()));
}

/** Customers close (resolve) their own conversations; agents any. Idempotent. */
export async function closeConversation(ctx: SupportContext, raw: ConversationIdInput): Promise<Outcome<ConversationRow>> {
  const author = authorOf(ctx.caller);
  const input = parseOr(conversationIdInput, raw);
  if (!input.ok) return input;
  return changeConversation(
    ctx,
    input.value.conversationId,
    (state) => resolve(state, new Date()),
    async (conversation) => author.kind === 'AGENT' || (await isCallingCustomer(ctx, conversation.customerId)),
  );
}
