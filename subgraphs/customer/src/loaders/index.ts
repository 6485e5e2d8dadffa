import DataLoader from 'dataloader';
import { createChildPageLoader, createGroupedLoader, createKeyedLoader } from '@omni/graphql';
import type { CustomerDb } from '../db/database';
import { findCustomerHeadsByIds, findIdentitiesByCustomerIds, findMergesBySurvivorIds, findStaffMembersByIds } from '../db/customer-queries';
import { findConsentHistoryPages, findCurrentConsents } from '../db/consent-queries';
import { findLoyaltyAccounts, findLoyaltyEntryPages } from '../db/loyalty-queries';
import type { CustomerRow, TimelineEntryRow } from '../db/schema';
import { findEngagedProducts, findOrderFacts } from '../db/segment-queries';
import { PRODUCT_ENGAGEMENT } from '../services/segment-rules';
import { findRecentlyViewed, findTimelinePages, type TimelineCursor, type TimelineFilter } from '../db/timeline-queries';

/** Fresh per request: nothing cached across callers. */
export function createLoaders(db: CustomerDb) {
  const timelineLoaders = new Map<string, DataLoader<string, TimelineEntryRow[]>>();
  return {
    /** Follows merges: a merged id loads its survivor. */
    customerById: new DataLoader<string, CustomerRow | null>(async (ids) => {
      const heads = await findCustomerHeadsByIds(db, ids);
      return ids.map((id) => heads.get(id) ?? null);
    }),
    identitiesByCustomerId: createGroupedLoader(
      (ids: readonly string[]) => findIdentitiesByCustomerIds(db, ids),
      (row) => row.customerId,
    ),
    staffMemberById: createKeyedLoader((ids: readonly string[]) => findStaffMembersByIds(db, ids), (row) => row.id),
    /** One loader per distinct page and filter, so N customers' timelines cost one statement. */
    timelinePage: {
      load(customerId: string, page: { limit: number; after: TimelineCursor | null; filter: TimelineFilter }) {
        const key = JSON.stringify(page);
        let loader = timelineLoaders.get(key);
        if (!loader) {
          loader = createGroupedLoader((ids: readonly string[]) => findTimelinePages(db, ids, page), (row) => row.customerId);
          timelineLoaders.set(key, loader);
        }
        return loader.load(customerId);
      },
    },
    recentlyViewedByCustomerId: createGroupedLoader((ids: readonly string[]) => findRecentlyViewed(db, ids), (row) => row.customerId),
    currentConsentsByCustomerId: createGroupedLoader((ids: readonly string[]) => findCurrentConsents(db, ids), (row) => row.customerId),
    consentHistoryPage: createChildPageLoader((ids, page) => findConsentHistoryPages(db, ids, page), (row) => row.customerId),
    loyaltyAccountByCustomerId: createKeyedLoader((ids: readonly string[]) => findLoyaltyAccounts(db, ids), (row) => row.customerId),
    loyaltyEntryPage: createChildPageLoader((ids, page) => findLoyaltyEntryPages(db, ids, page), (row) => row.customerId),
    orderFactsByCustomerId: createGroupedLoader((ids: readonly string[]) => findOrderFacts(db, ids), (row) => row.customerId),
    engagedProductsByCustomerId: createGroupedLoader(
      (ids: readonly string[]) =>
        findEngagedProducts(db, ids, new Date(Date.now() - PRODUCT_ENGAGEMENT.windowDays * 24 * 60 * 60 * 1000), PRODUCT_ENGAGEMENT.touchpoints),
      (row) => row.customerId,
    ),
    mergesBySurvivorId: createGroupedLoader((ids: readonly string[]) => findMergesBySurvivorIds(db, ids), (row) => row.headId),
  };
}

export type CustomerLoaders = ReturnType<typeof createLoaders>;
