import type { SupportContext } from '../context';
import { getConversation } from '../services/conversation-service';

export const Query = {
  conversation: (_: unknown, args: { id: string }, ctx: SupportContext) => getConversation(ctx, args.id),
};
