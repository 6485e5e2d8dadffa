import { asc, eq, inArray, or } from 'drizzle-orm';
import {
  consentRecords,
  customerMerges,
  customers,
  identities,
  loyaltyAccounts,
  loyaltyEntries,
  recentlyViewed,
  timelineEntries,
} from './schema';
import type { CustomerDb } from './database';

/** Every id that resolves to this customer: itself and the records merged into it. */
export async function findPersonIds(db: CustomerDb, customerId: string): Promise<string[]> {
  const rows = await db
    .select({ id: customers.id })
    .from(customers)
    .where(or(eq(customers.id, customerId), eq(customers.mergedIntoId, customerId)))
    .orderBy(asc(customers.id));
  return rows.map((row) => row.id);
}

/** Everything this subgraph holds about a person, for a data export. */
export async function findPersonalData(db: CustomerDb, customerId: string, personIds: readonly string[]) {
  const ids = [...personIds];
  const [profiles, identityRows, timeline, consents, account, ledger, viewed, merges] = await Promise.all([
    db.select().from(customers).where(inArray(customers.id, ids)).orderBy(asc(customers.id)),
    db.select().from(identities).where(eq(identities.customerId, customerId)).orderBy(asc(identities.createdAt), asc(identities.id)),
    db.select().from(timelineEntries).where(eq(timelineEntries.customerId, customerId)).orderBy(asc(timelineEntries.occurredAt), asc(timelineEntries.id)),
    db.select().from(consentRecords).where(eq(consentRecords.customerId, customerId)).orderBy(asc(consentRecords.id)),
    db.select().from(loyaltyAccounts).where(eq(loyaltyAccounts.customerId, customerId)),
    db.select().from(loyaltyEntries).where(eq(loyaltyEntries.customerId, customerId)).orderBy(asc(loyaltyEntries.id)),
    db.select().from(recentlyViewed).where(eq(recentlyViewed.customerId, customerId)).orderBy(asc(recentlyViewed.viewedAt)),
    db.select().from(customerMerges).where(inArray(customerMerges.mergedId, ids)).orderBy(asc(customerMerges.id)),
  ]);
  return { profiles, identities: identityRows, timeline, consents, loyaltyAccount: account[0] ?? null, loyaltyLedger: ledger, recentlyViewed: viewed, merges };
}

/**
 * Removes the person from this subgraph: names and locale cleared on every record of theirs,
 * identities, timeline, recently viewed and consent records deleted, merge reasons blanked. The
 * loyalty ledger stays (it is value, not personal data) on the now anonymous id.
 */
export async function erasePersonalData(tx: CustomerDb, customerId: string, personIds: readonly string[], now: Date): Promise<void> {
  const ids = [...personIds];
  await tx.update(customers).set({ firstName: null, lastName: null, locale: null, erasedAt: now, updatedAt: now }).where(inArray(customers.id, ids));
  await tx.delete(identities).where(eq(identities.customerId, customerId));
  await tx.delete(timelineEntries).where(eq(timelineEntries.customerId, customerId));
  await tx.delete(recentlyViewed).where(eq(recentlyViewed.customerId, customerId));
  await tx.delete(consentRecords).where(eq(consentRecords.customerId, customerId));
  await tx.update(customerMerges).set({ reason: 'erased' }).where(inArray(customerMerges.mergedId, ids));
}
