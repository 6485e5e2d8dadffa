import type { SupportContext } from '../context';
import type { MessageRow } from '../db/schema';
import { getDelivery } from '../services/message-service';

export const Message = {
  author: (message: MessageRow) => ({
    kind: message.authorKind,
    staffMember: message.staffId ? { __typename: 'StaffMember', id: message.staffId } : null,
  }),
  attachments: (message: MessageRow) => message.attachments ?? [],
  deliveryStatus: async (message: MessageRow, _: unknown, ctx: SupportContext) => (await getDelivery(ctx, message))?.status ?? null,
  deliveryAttempts: async (message: MessageRow, _: unknown, ctx: SupportContext) => (await getDelivery(ctx, message))?.attempts ?? 0,
};
