import type { CustomerContext } from '../context';
import type { CustomerMergeRow, TimelineEntryRow } from '../db/schema';
import type { Segment } from '../services/segment-rules';
import { productReference } from '../services/product-visibility';

export const TimelineEntry = {
  product: (entry: TimelineEntryRow, _: unknown, ctx: CustomerContext) => productReference(ctx, entry.productId),
};

export const CustomerMerge = {
  mergedAt: (merge: CustomerMergeRow) => merge.createdAt,
};

export const CustomerSegment = {
  product: (segment: Segment, _: unknown, ctx: CustomerContext) => productReference(ctx, segment.productId),
};
