import type { CustomerContext } from '../context';
import type { CustomerRow } from '../db/schema';
import { tierFor } from './loyalty-tiers';
import { computeSegments, type Segment } from './segment-rules';

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
