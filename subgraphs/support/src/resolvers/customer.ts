import type { ConnectionArgs } from '@omni/graphql';
import type { SupportContext } from '../context';
import { listCustomerConversations } from '../services/conversation-service';

/** Only the field this subgraph contributes; the reference carries nothing but the id. */
export const Customer = {
  conversations: (customer: { id: string }, args: ConnectionArgs, ctx: SupportContext) =>
    listCustomerConversations(ctx, customer.id, args),
};
