import { and, eq, gte, inArray, isNotNull, sql } from 'drizzle-orm';
import { timelineEntries } from './schema';
import type { CustomerDb } from './database';

export interface OrderFactsRow {
  customerId: string;
  currencyCode: string | null;
  orders: number;
  spentMinor: number;
}

/** Orders and spend per customer and currency, from ORDER_PLACED touchpoints, in one statement. */
export function findOrderFacts(db: CustomerDb, customerIds: readonly string[]): Promise<OrderFactsRow[]> {
  return db
    .select({
      customerId: timelineEntries.customerId,
      currencyCode: timelineEntries.currencyCode,
      orders: sql<number>`count(*)::int`,
      spentMinor: sql<number>`coalesce(sum(${timelineEntries.amountMinor}), 0)::bigint`.mapWith(Number),
    })
    .from(timelineEntries)
    .where(and(inArray(timelineEntries.customerId, [...customerIds]), eq(timelineEntries.kind, 'ORDER_PLACED')))
    .groupBy(timelineEntries.customerId, timelineEntries.currencyCode);
}

/** Products each customer touched at least `touchpoints` times since `since`, in one statement. */
export function findEngagedProducts(
  db: CustomerDb,
  customerIds: readonly string[],
  since: Date,
  touchpoints: number,
): Promise<{ customerId: string; productId: string }[]> {
  return db
    .select({ customerId: timelineEntries.customerId, productId: sql<string>`${timelineEntries.productId}` })
    .from(timelineEntries)
    .where(and(inArray(timelineEntries.customerId, [...customerIds]), isNotNull(timelineEntries.productId), gte(timelineEntries.occurredAt, since)))
    .groupBy(timelineEntries.customerId, timelineEntries.productId)
    .having(sql`count(*) >= ${touchpoints}`);
}
