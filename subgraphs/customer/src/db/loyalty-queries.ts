import { and, asc, eq, gt, inArray, isNotNull, lte, sql, type SQL } from 'drizzle-orm';
import { findFirstRowsPerParent } from '@omni/db';
import { LOYALTY_LOT_KINDS, loyaltyAccounts, loyaltyEntries, type LoyaltyAccountRow, type LoyaltyEntryRow } from './schema';
import type { CustomerDb } from './database';
import { resolveCustomerId } from './customer-queries';

export function findLoyaltyAccounts(db: CustomerDb, customerIds: readonly string[]): Promise<LoyaltyAccountRow[]> {
  return db.select().from(loyaltyAccounts).where(inArray(loyaltyAccounts.customerId, [...customerIds]));
}

/** One page of ledger entries of each customer in one statement, oldest first. */
export async function findLoyaltyEntryPages(
  db: CustomerDb,
  customerIds: readonly string[],
  page: { limit: number; after: string | null },
): Promise<LoyaltyEntryRow[]> {
  const conditions: SQL[] = [inArray(loyaltyEntries.customerId, [...customerIds])];
  if (page.after) conditions.push(gt(loyaltyEntries.id, page.after));
  return findFirstRowsPerParent(db, { table: loyaltyEntries, parent: loyaltyEntries.customerId, where: and(...conditions), orderBy: [asc(loyaltyEntries.id)], limit: page.limit + 1 });
}

export async function findEntryByIdempotencyKey(db: CustomerDb, key: string): Promise<LoyaltyEntryRow | null> {
  const [row] = await db.select().from(loyaltyEntries).where(eq(loyaltyEntries.idempotencyKey, key));
  return row ?? null;
}

/** Locks the account row (creating an empty one first) so balance changes of one customer run one at a time. */
export async function lockLoyaltyAccount(tx: CustomerDb, customerId: string): Promise<LoyaltyAccountRow> {
  await tx.insert(loyaltyAccounts).values({ customerId }).onConflictDoNothing();
  const [row] = await tx.select().from(loyaltyAccounts).where(eq(loyaltyAccounts.customerId, customerId)).for('update');
  return row!;
}

/**
 * Locks the account of the customer `customerId` resolves to now. A merge committing between the
 * resolution and the lock moves the account away, so the id is resolved again under the lock and
 * the lock follows it to the survivor, never crediting a record nobody reads any more.
 */
export async function lockCurrentLoyaltyAccount(tx: CustomerDb, customerId: string): Promise<LoyaltyAccountRow> {
  let id = (await resolveCustomerId(tx, customerId)) ?? customerId;
  for (;;) {
    const account = await lockLoyaltyAccount(tx, id);
    const current = await resolveCustomerId(tx, id);
    if (!current || current === id) return account;
    id = current;
  }
}

export async function findOpenLots(tx: CustomerDb, customerId: string): Promise<LoyaltyEntryRow[]> {
  return tx
    .select()
    .from(loyaltyEntries)
    .where(and(eq(loyaltyEntries.customerId, customerId), inArray(loyaltyEntries.kind, [...LOYALTY_LOT_KINDS]), gt(loyaltyEntries.remaining, 0)))
    .orderBy(asc(loyaltyEntries.id));
}

export async function takeFromLots(tx: CustomerDb, takes: readonly { id: string; take: number }[]): Promise<void> {
  for (const { id, take } of takes) {
    await tx.update(loyaltyEntries).set({ remaining: sql`${loyaltyEntries.remaining} - ${take}` }).where(eq(loyaltyEntries.id, id));
  }
}

/** Puts points back into the lots they were taken from: they keep the lot's own expiry. */
export async function giveBackToLots(tx: CustomerDb, takes: readonly { lotId: string; points: number }[]): Promise<void> {
  for (const { lotId, points } of takes) {
    await tx.update(loyaltyEntries).set({ remaining: sql`${loyaltyEntries.remaining} + ${points}` }).where(eq(loyaltyEntries.id, lotId));
  }
}

export async function insertLoyaltyEntry(tx: CustomerDb, row: typeof loyaltyEntries.$inferInsert): Promise<LoyaltyEntryRow> {
  const [created] = await tx.insert(loyaltyEntries).values(row).returning();
  return created!;
}

export async function changeBalance(tx: CustomerDb, customerId: string, delta: number, earned: number): Promise<LoyaltyAccountRow> {
  const [row] = await tx
    .update(loyaltyAccounts)
    .set({
      balance: sql`${loyaltyAccounts.balance} + ${delta}`,
      lifetimeEarned: sql`${loyaltyAccounts.lifetimeEarned} + ${earned}`,
      updatedAt: new Date(),
    })
    .where(eq(loyaltyAccounts.customerId, customerId))
    .returning();
  return row!;
}

/** Customers with lots past their expiry that still hold points. */
export async function findCustomersWithExpiredLots(db: CustomerDb, now: Date, customerId: string | null): Promise<string[]> {
  const conditions: SQL[] = [inArray(loyaltyEntries.kind, [...LOYALTY_LOT_KINDS]), gt(loyaltyEntries.remaining, 0), isNotNull(loyaltyEntries.expiresAt), lte(loyaltyEntries.expiresAt, now)];
  if (customerId) conditions.push(eq(loyaltyEntries.customerId, customerId));
  const rows = await db.selectDistinct({ customerId: loyaltyEntries.customerId }).from(loyaltyEntries).where(and(...conditions));
  return rows.map((row) => row.customerId);
}

/** Empties a customer's expired lots; returns how many points they held. Run under the account lock. */
export async function emptyExpiredLots(tx: CustomerDb, customerId: string, now: Date): Promise<number> {
  const lots = await tx
    .select({ id: loyaltyEntries.id, remaining: loyaltyEntries.remaining })
    .from(loyaltyEntries)
    .where(
      and(
        eq(loyaltyEntries.customerId, customerId),
        inArray(loyaltyEntries.kind, [...LOYALTY_LOT_KINDS]),
        gt(loyaltyEntries.remaining, 0),
        isNotNull(loyaltyEntries.expiresAt),
        lte(loyaltyEntries.expiresAt, now),
      ),
    );
  if (lots.length === 0) return 0;
  await tx.update(loyaltyEntries).set({ remaining: 0 }).where(inArray(loyaltyEntries.id, lots.map((lot) => lot.id)));
  return lots.reduce((sum, lot) => sum + lot.remaining, 0);
}
