import type { ConnectionArgs } from '@omni/graphql';
import type { SupportContext } from '../context';
import { getConversation } from '../services/conversation-service';
import { listInbox, type InboxFilterInput } from '../services/inbox-service';
import { exportCustomerConversations } from '../services/personal-data-service';

export const Query = {
  conversation: (_: unknown, args: { id: string }, ctx: SupportContext) => getConversation(ctx, args.id),
  conversations: (_: unknown, args: ConnectionArgs & { filter?: InboxFilterInput }, ctx: SupportContext) => listInbox(ctx, args.filter, args),
  exportCustomerConversations: (_: unknown, args: { customerIds: string[] }, ctx: SupportContext) => exportCustomerConversations(ctx, args.customerIds),
};
