import { isIdOf } from '@omni/db';
import { badUserInput, requireInternalCall } from '@omni/graphql';
import type { CustomerContext } from '../context';
import type { CustomerRow } from '../db/schema';
import { MAX_CUSTOMER_IDS } from './customer-directory-service';
import { tierFor } from './loyalty-tiers';
import { computeSegments, type Segment, type SegmentKind } from './segment-rules';

export async function listSegments(ctx: CustomerContext, customer: CustomerRow): Promise<Segment[]> {
  const [orders, engaged, account] = await Promise.all([
    ctx.loaders.orderFactsByCustomerId.load(customer.id),
    ctx.loaders.engagedProductsByCustomerId.load(customer.id),
    ctx.loaders.loyaltyAccountByCustomerId.load(customer.id),
  ]);
  const spendByCurrency: Record<string, number> = {};
  for (const row of orders) if (row.currencyCode) spendByCurrency[row.currencyCode] = (spendByCurrency[row.currencyCode] ?? 0) + row.spentMinor;
  return computeSegments({
    orders: orders.reduce((sum, row) => sum + row.orders, 0),
    spendByCurrency,
    loyaltyTier: tierFor(account?.lifetimeEarned ?? 0).tier,
    engagedProductIds: engaged.map((row) => row.productId),
  });
}

/** One customer's segments as sibling services price with them (`Query.customerSegments`). */
export interface CustomerSegmentsView {
  customerId: string;
  currentCustomerId: string | null;
  kinds: SegmentKind[];
  engagedProductIds: string[];
}

/**
 * For the promotions subgraph pricing a segment-scoped offer: each id's segments now, computed as
 * `Customer.segments` is (merged ids follow their survivor), in the order asked. Every customer's
 * facts come through the request's loaders, so a batch of ids costs the statements of one.
 */
export async function customerSegments(ctx: CustomerContext, ids: readonly string[]): Promise<CustomerSegmentsView[]> {
  requireInternalCall(ctx.caller);
  if (ids.length > MAX_CUSTOMER_IDS) throw badUserInput(`At most ${MAX_CUSTOMER_IDS} ids per call`);
  return Promise.all(
    ids.map(async (customerId) => {
      const customer = isIdOf('cus', customerId) ? await ctx.loaders.customerById.load(customerId) : null;
      const segments = customer ? await listSegments(ctx, customer) : [];
      return {
        customerId,
        currentCustomerId: customer?.id ?? null,
        kinds: [...new Set(segments.map((segment) => segment.kind))],
        engagedProductIds: segments.flatMap((segment) => (segment.productId ? [segment.productId] : [])),
      };
    }),
  );
}
