import type { ConnectionArgs } from '@omni/graphql';
import type { SupportContext } from '../context';
import type { ConversationRow } from '../db/schema';
import { getConversation } from '../services/conversation-service';
import { slaBreached } from '../services/inbox-service';
import { listMessages } from '../services/message-service';

export const Conversation = {
  __resolveReference: (reference: { id: string }, ctx: SupportContext) => getConversation(ctx, reference.id),
  customer: (conversation: ConversationRow) => ({ __typename: 'Customer', id: conversation.customerId }),
  assignee: (conversation: ConversationRow) =>
    conversation.assigneeStaffId ? { __typename: 'StaffMember', id: conversation.assigneeStaffId } : null,
  handOff: (conversation: ConversationRow) =>
    conversation.handOffReason && conversation.handOffSummary && conversation.handedOffAt
      ? { reason: conversation.handOffReason, summary: conversation.handOffSummary, at: conversation.handedOffAt }
      : null,
  slaBreached: (conversation: ConversationRow, _: unknown, ctx: SupportContext) => slaBreached(ctx, conversation),
  messages: (conversation: ConversationRow, args: ConnectionArgs, ctx: SupportContext) => listMessages(ctx, conversation, args),
};
