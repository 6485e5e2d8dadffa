import type { ConnectionArgs } from '@omni/graphql';
import type { CustomerContext } from '../context';
import type { ContactChannel, CustomerRow, TouchpointKind } from '../db/schema';
import { isMarketingAllowed, listConsentHistory, listCurrentConsents } from '../services/consent-service';
import { displayNameOf, getCustomer, listIdentities, listMerges } from '../services/customer-service';
import { getLoyaltyAccount } from '../services/loyalty-service';
import { listSegments } from '../services/segment-service';
import { listRecentlyViewed, listTimeline } from '../services/timeline-service';

export const Customer = {
  __resolveReference: (reference: { id: string }, ctx: CustomerContext) => getCustomer(ctx, reference.id),
  displayName: (customer: CustomerRow, _: unknown, ctx: CustomerContext) => displayNameOf(ctx, customer),
  identities: (customer: CustomerRow, _: unknown, ctx: CustomerContext) => listIdentities(ctx, customer),
  timeline: (customer: CustomerRow, args: ConnectionArgs & { kinds?: TouchpointKind[] | null; channels?: string[] | null }, ctx: CustomerContext) =>
    listTimeline(ctx, customer, args),
  recentlyViewed: (customer: CustomerRow, args: { first?: number | null }, ctx: CustomerContext) => listRecentlyViewed(ctx, customer, args.first),
  loyalty: (customer: CustomerRow, _: unknown, ctx: CustomerContext) => getLoyaltyAccount(ctx, customer),
  consents: (customer: CustomerRow, _: unknown, ctx: CustomerContext) => listCurrentConsents(ctx, customer),
  consentHistory: (customer: CustomerRow, args: ConnectionArgs, ctx: CustomerContext) => listConsentHistory(ctx, customer, args),
  marketingAllowed: (customer: CustomerRow, args: { contactChannel: ContactChannel }, ctx: CustomerContext) =>
    isMarketingAllowed(ctx, customer, args.contactChannel),
  mergedFrom: (customer: CustomerRow, _: unknown, ctx: CustomerContext) => listMerges(ctx, customer),
  segments: (customer: CustomerRow, _: unknown, ctx: CustomerContext) => listSegments(ctx, customer),
};
