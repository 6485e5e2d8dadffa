import { eq, or, sql } from 'drizzle-orm';
import {
  consentRecords,
  customerMerges,
  customers,
  identities,
  loyaltyAccounts,
  loyaltyEntries,
  recentlyViewed,
  timelineEntries,
  type CustomerMergeRow,
  type CustomerRow,
} from './schema';
import type { CustomerDb } from './database';

export interface MergeCounts {
  identities: number;
  timelineEntries: number;
  consentRecords: number;
  loyaltyEntries: number;
  loyaltyPoints: number;
  recentlyViewed: number;
}

export async function countMergeContents(db: CustomerDb, customerId: string): Promise<Omit<MergeCounts, 'identities'>> {
  const count = (table: typeof timelineEntries | typeof consentRecords | typeof loyaltyEntries | typeof recentlyViewed) =>
    sql<number>`(select count(*)::int from ${table} where ${table.customerId} = ${customerId})`;
  const [row] = await db
    .select({
      timelineEntries: count(timelineEntries),
      consentRecords: count(consentRecords),
      loyaltyEntries: count(loyaltyEntries),
      recentlyViewed: count(recentlyViewed),
      loyaltyPoints: sql<number>`coalesce((select ${loyaltyAccounts.balance} from ${loyaltyAccounts} where ${loyaltyAccounts.customerId} = ${customerId}), 0)`,
    })
    .from(customers)
    .where(eq(customers.id, customerId));
  return row ?? { timelineEntries: 0, consentRecords: 0, loyaltyEntries: 0, recentlyViewed: 0, loyaltyPoints: 0 };
}

/**
 * Moves everything of `merged` to `survivor` inside the caller's transaction (both rows locked):
 * identities, timeline, consents, loyalty ledger and balance, recently viewed. The merged row stays
 * as a pointer so its id keeps resolving; pointers at it are moved along so every id resolves in one hop.
 */
export async function moveCustomerData(tx: CustomerDb, survivor: CustomerRow, merged: CustomerRow): Promise<MergeCounts> {
  const move = async (table: typeof identities | typeof timelineEntries | typeof consentRecords | typeof loyaltyEntries) => {
    const moved = await tx.update(table).set({ customerId: survivor.id }).where(eq(table.customerId, merged.id)).returning({ id: table.id });
    return moved.length;
  };
  const counts = {
    identities: await move(identities),
    timelineEntries: await move(timelineEntries),
    consentRecords: await move(consentRecords),
    loyaltyEntries: await move(loyaltyEntries),
  };

  const viewed = await tx.execute<{ product_id: string }>(sql`
    insert into ${recentlyViewed} (customer_id, product_id, channel, viewed_at)
    select ${survivor.id}, product_id, channel, viewed_at from ${recentlyViewed} where customer_id = ${merged.id}
    on conflict (customer_id, product_id) do update
      set viewed_at = greatest(excluded.viewed_at, ${recentlyViewed}.viewed_at),
          channel = case when excluded.viewed_at > ${recentlyViewed}.viewed_at then excluded.channel else ${recentlyViewed}.channel end
    returning product_id`);
  await tx.delete(recentlyViewed).where(eq(recentlyViewed.customerId, merged.id));

  const [account] = await tx.delete(loyaltyAccounts).where(eq(loyaltyAccounts.customerId, merged.id)).returning();
  if (account) {
    await tx
      .insert(loyaltyAccounts)
      .values({ customerId: survivor.id, balance: account.balance, lifetimeEarned: account.lifetimeEarned })
      .onConflictDoUpdate({
        target: loyaltyAccounts.customerId,
        set: {
          balance: sql`${loyaltyAccounts.balance} + ${account.balance}`,
          lifetimeEarned: sql`${loyaltyAccounts.lifetimeEarned} + ${account.lifetimeEarned}`,
          updatedAt: new Date(),
        },
      });
  }

  const now = new Date();
  await tx
    .update(customers)
    .set({ mergedIntoId: survivor.id, updatedAt: now })
    .where(or(eq(customers.id, merged.id), eq(customers.mergedIntoId, merged.id)));
  await tx
    .update(customers)
    .set({
      firstName: survivor.firstName ?? merged.firstName,
      lastName: survivor.lastName ?? merged.lastName,
      locale: survivor.locale ?? merged.locale,
      updatedAt: now,
    })
    .where(eq(customers.id, survivor.id));

  const viewedRows = Array.isArray(viewed) ? viewed : ((viewed as { rows?: unknown[] }).rows ?? []);
  return { ...counts, loyaltyPoints: account?.balance ?? 0, recentlyViewed: viewedRows.length };
}

export async function insertMergeRecord(tx: CustomerDb, row: typeof customerMerges.$inferInsert): Promise<CustomerMergeRow> {
  const [created] = await tx.insert(customerMerges).values(row).returning();
  return created!;
}
