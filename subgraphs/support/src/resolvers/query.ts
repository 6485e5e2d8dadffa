import type { SupportContext } from '../context';
import { getConversation } from '../services/conversation-service';
import { exportCustomerConversations } from '../services/personal-data-service';

export const Query = {
  conversation: (_: unknown, args: { id: string }, ctx: SupportContext) => getConversation(ctx, args.id),
  exportCustomerConversations: (_: unknown, args: { customerIds: string[] }, ctx: SupportContext) => exportCustomerConversations(ctx, args.customerIds),
};
