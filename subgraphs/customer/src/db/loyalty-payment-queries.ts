import { and, eq, inArray } from 'drizzle-orm';
import { loyaltyEntries, loyaltyPayments, type LoyaltyEntryRow, type LoyaltyPaymentRow } from './schema';
import type { CustomerDb } from './database';

const byKey = (service: string, idempotencyKey: string) => and(eq(loyaltyPayments.service, service), eq(loyaltyPayments.idempotencyKey, idempotencyKey));

export async function findLoyaltyPayment(db: CustomerDb, service: string, idempotencyKey: string): Promise<LoyaltyPaymentRow | null> {
  const [row] = await db.select().from(loyaltyPayments).where(byKey(service, idempotencyKey));
  return row ?? null;
}

/**
 * Claims the key: inserts the row unless one exists. A concurrent insert of the same key waits
 * for the first transaction to end, so two requests with one key never both proceed.
 */
export async function claimLoyaltyPayment(tx: CustomerDb, row: typeof loyaltyPayments.$inferInsert): Promise<LoyaltyPaymentRow | null> {
  const [created] = await tx.insert(loyaltyPayments).values(row).onConflictDoNothing().returning();
  return created ?? null;
}

export async function lockLoyaltyPayment(tx: CustomerDb, service: string, idempotencyKey: string): Promise<LoyaltyPaymentRow | null> {
  const [row] = await tx.select().from(loyaltyPayments).where(byKey(service, idempotencyKey)).for('update');
  return row ?? null;
}

export async function updateLoyaltyPayment(
  tx: CustomerDb,
  service: string,
  idempotencyKey: string,
  changes: Partial<Pick<LoyaltyPaymentRow, 'status' | 'takes' | 'paymentEntryId' | 'refundEntryId' | 'refundedAt'>>,
): Promise<LoyaltyPaymentRow> {
  const [row] = await tx.update(loyaltyPayments).set(changes).where(byKey(service, idempotencyKey)).returning();
  return row!;
}

export async function findLoyaltyEntriesByIds(db: CustomerDb, ids: readonly string[]): Promise<LoyaltyEntryRow[]> {
  if (ids.length === 0) return [];
  return db.select().from(loyaltyEntries).where(inArray(loyaltyEntries.id, [...ids]));
}
