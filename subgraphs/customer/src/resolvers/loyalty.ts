import type { ConnectionArgs } from '@omni/graphql';
import type { CustomerContext } from '../context';
import { listLoyaltyEntries, type LoyaltyAccountView } from '../services/loyalty-service';

export const LoyaltyAccount = {
  entries: (account: LoyaltyAccountView, args: ConnectionArgs, ctx: CustomerContext) => listLoyaltyEntries(ctx, account, args),
};
