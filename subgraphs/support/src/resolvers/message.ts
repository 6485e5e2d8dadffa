import type { MessageRow } from '../db/schema';

export const Message = {
  author: (message: MessageRow) => ({
    kind: message.authorKind,
    staffMember: message.staffId ? { __typename: 'StaffMember', id: message.staffId } : null,
  }),
};
