import type { ConnectionArgs } from '@omni/graphql';
import type { CustomerContext } from '../context';
import type { LoyaltyEntryRow } from '../db/schema';
import { listLoyaltyEntries, type LoyaltyAccountView } from '../services/loyalty-service';

export const LoyaltyAccount = {
  entries: (account: LoyaltyAccountView, args: ConnectionArgs, ctx: CustomerContext) => listLoyaltyEntries(ctx, account, args),
};

export const LoyaltyEntry = {
  order: (entry: LoyaltyEntryRow) => (entry.orderId ? { __typename: 'Order', id: entry.orderId } : null),
  pointsNotReversed: (entry: LoyaltyEntryRow) => entry.unreversedPoints,
};
