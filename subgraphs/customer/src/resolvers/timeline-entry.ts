import type { CustomerMergeRow, TimelineEntryRow } from '../db/schema';
import type { Segment } from '../services/segment-rules';

export const TimelineEntry = {
  product: (entry: TimelineEntryRow) => (entry.productId ? { __typename: 'Product', id: entry.productId } : null),
};

export const CustomerMerge = {
  mergedAt: (merge: CustomerMergeRow) => merge.createdAt,
};

export const CustomerSegment = {
  product: (segment: Segment) => (segment.productId ? { __typename: 'Product', id: segment.productId } : null),
};
