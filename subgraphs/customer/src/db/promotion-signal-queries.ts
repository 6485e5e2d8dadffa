import { and, eq, gte, isNull, sql } from 'drizzle-orm';
import { customers, timelineEntries } from './schema';
import type { CustomerDb } from './database';

export async function countOrderTouchpoints(tx: CustomerDb, customerId: string): Promise<number> {
  const [row] = await tx
    .select({ count: sql<number>`count(*)::int` })
    .from(timelineEntries)
    .where(and(eq(timelineEntries.customerId, customerId), eq(timelineEntries.kind, 'ORDER_PLACED')));
  return row?.count ?? 0;
}

export async function countProductTouchpoints(tx: CustomerDb, customerId: string, productId: string, since: Date): Promise<number> {
  const [row] = await tx
    .select({ count: sql<number>`count(*)::int` })
    .from(timelineEntries)
    .where(and(eq(timelineEntries.customerId, customerId), eq(timelineEntries.productId, productId), gte(timelineEntries.occurredAt, since)));
  return row?.count ?? 0;
}

/** Marks the first order as announced; false when it was already (once per customer). */
export async function claimFirstOrderSignal(tx: CustomerDb, customerId: string, at: Date): Promise<boolean> {
  const updated = await tx
    .update(customers)
    .set({ firstOrderPublishedAt: at })
    .where(and(eq(customers.id, customerId), isNull(customers.firstOrderPublishedAt)))
    .returning({ id: customers.id });
  return updated.length > 0;
}
