import { eq } from 'drizzle-orm';
import { loyaltyOrderReturns, loyaltyOrders, type LoyaltyOrderRow } from './schema';
import type { CustomerDb } from './database';

/** The order's loyalty row, locked; created empty (unplaced) first when missing. */
export async function lockLoyaltyOrder(tx: CustomerDb, order: { orderId: string; customerId: string; currencyCode: string }): Promise<LoyaltyOrderRow> {
  await tx.insert(loyaltyOrders).values(order).onConflictDoNothing();
  const [row] = await tx.select().from(loyaltyOrders).where(eq(loyaltyOrders.orderId, order.orderId)).for('update');
  return row!;
}

export async function updateLoyaltyOrder(
  tx: CustomerDb,
  orderId: string,
  changes: Partial<Pick<LoyaltyOrderRow, 'placedAt' | 'moneyPaidMinor' | 'pointsPaid' | 'earnedPoints' | 'refundedMoneyMinor' | 'reversedPoints'>>,
): Promise<void> {
  await tx.update(loyaltyOrders).set({ ...changes, updatedAt: new Date() }).where(eq(loyaltyOrders.orderId, orderId));
}

/** Records a return as applied; false when it was applied before (whatever event brought it). */
export async function claimLoyaltyReturn(tx: CustomerDb, row: typeof loyaltyOrderReturns.$inferInsert): Promise<boolean> {
  const inserted = await tx.insert(loyaltyOrderReturns).values(row).onConflictDoNothing().returning({ returnId: loyaltyOrderReturns.returnId });
  return inserted.length > 0;
}

export async function updateLoyaltyReturn(tx: CustomerDb, returnId: string, changes: { reversedPoints: number; unreversedPoints: number }): Promise<void> {
  await tx.update(loyaltyOrderReturns).set(changes).where(eq(loyaltyOrderReturns.returnId, returnId));
}
