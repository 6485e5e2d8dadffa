import { and, asc, eq, inArray, or, sql } from 'drizzle-orm';
import { isAnyOf, preparedOnce } from '@omni/db';
import {
  customerMerges,
  customers,
  identities,
  staffMembers,
  type CustomerMergeRow,
  type CustomerRow,
  type IdentityRow,
  type StaffMemberRow,
} from './schema';
import type { CustomerDb } from './database';

/**
 * Customers by id, following merges: a merged id maps to its survivor's row. Two statements at
 * most, the second only when a requested record was merged.
 */
export async function findCustomerHeadsByIds(db: CustomerDb, ids: readonly string[]): Promise<Map<string, CustomerRow>> {
  const rows = await findCustomersByIds(db, ids);
  const result = new Map<string, CustomerRow>();
  const survivorIds = [...new Set(rows.map((row) => row.mergedIntoId).filter((id): id is string => id !== null))];
  const survivors = survivorIds.length ? new Map((await findCustomersByIds(db, survivorIds)).map((row) => [row.id, row])) : new Map<string, CustomerRow>();
  for (const row of rows) {
    const head = row.mergedIntoId ? survivors.get(row.mergedIntoId) : row;
    if (head) result.set(row.id, head);
  }
  return result;
}

function findCustomersByIds(db: CustomerDb, ids: readonly string[]): Promise<CustomerRow[]> {
  return preparedOnce(db, 'customersByIds', (on) => on.select().from(customers).where(isAnyOf(customers.id)).prepare('customer_customers_by_ids')).execute({ keys: ids });
}

/** The id a customer id resolves to now (itself, or its survivor), or null when unknown. */
export async function resolveCustomerId(db: CustomerDb, id: string): Promise<string | null> {
  const [row] = await db.select({ id: customers.id, mergedIntoId: customers.mergedIntoId }).from(customers).where(eq(customers.id, id));
  return row ? (row.mergedIntoId ?? row.id) : null;
}

export async function insertCustomer(db: CustomerDb, row: typeof customers.$inferInsert): Promise<CustomerRow> {
  const [created] = await db.insert(customers).values(row).returning();
  return created!;
}

/** Row locks on several customers, taken in id order so two merges never wait on each other in a cycle. */
export function lockCustomers(tx: CustomerDb, ids: readonly string[]): Promise<CustomerRow[]> {
  return tx.select().from(customers).where(inArray(customers.id, [...ids])).orderBy(asc(customers.id)).for('update');
}

export function findIdentitiesByCustomerIds(db: CustomerDb, customerIds: readonly string[]): Promise<IdentityRow[]> {
  return preparedOnce(db, 'identitiesByCustomerIds', (on) =>
    on.select().from(identities).where(isAnyOf(identities.customerId)).orderBy(asc(identities.createdAt), asc(identities.id)).prepare('customer_identities_by_customer_ids'),
  ).execute({ keys: customerIds });
}

/** Who holds each of these identifiers now, in one statement. */
export async function findIdentityHolders(
  db: CustomerDb,
  keys: readonly { kind: string; value: string }[],
): Promise<{ kind: string; value: string; verified: boolean; customerId: string }[]> {
  if (keys.length === 0) return [];
  return db
    .select({
      kind: identities.kind,
      value: identities.value,
      verified: identities.verified,
      customerId: sql<string>`coalesce(${customers.mergedIntoId}, ${customers.id})`,
    })
    .from(identities)
    .innerJoin(customers, eq(customers.id, identities.customerId))
    .where(or(...keys.map((key) => and(eq(identities.kind, key.kind), eq(identities.value, key.value)))));
}

export async function insertIdentities(db: CustomerDb, rows: (typeof identities.$inferInsert)[]): Promise<void> {
  if (rows.length) await db.insert(identities).values(rows);
}

export async function markIdentitiesVerified(db: CustomerDb, keys: readonly { kind: string; value: string }[]): Promise<void> {
  if (keys.length === 0) return;
  await db
    .update(identities)
    .set({ verified: true })
    .where(or(...keys.map((key) => and(eq(identities.kind, key.kind), eq(identities.value, key.value)))));
}

export function findStaffMembersByIds(db: CustomerDb, ids: readonly string[]): Promise<StaffMemberRow[]> {
  return preparedOnce(db, 'staffMembersByIds', (on) => on.select().from(staffMembers).where(isAnyOf(staffMembers.id)).prepare('customer_staff_members_by_ids')).execute({ keys: ids });
}

export async function updateCustomer(
  db: CustomerDb,
  id: string,
  changes: Partial<Pick<CustomerRow, 'firstName' | 'lastName' | 'locale'>>,
): Promise<CustomerRow | null> {
  const [row] = await db
    .update(customers)
    .set({ ...changes, updatedAt: new Date() })
    .where(eq(customers.id, id))
    .returning();
  return row ?? null;
}

/** Merge records of every record now resolving to these customers, oldest first. */
export function findMergesBySurvivorIds(db: CustomerDb, survivorIds: readonly string[]): Promise<(CustomerMergeRow & { headId: string })[]> {
  return db
    .select({
      id: customerMerges.id,
      survivorId: customerMerges.survivorId,
      mergedId: customerMerges.mergedId,
      reason: customerMerges.reason,
      mergedBy: customerMerges.mergedBy,
      moved: customerMerges.moved,
      createdAt: customerMerges.createdAt,
      headId: sql<string>`${customers.mergedIntoId}`,
    })
    .from(customerMerges)
    .innerJoin(customers, eq(customers.id, customerMerges.mergedId))
    .where(inArray(customers.mergedIntoId, [...survivorIds]))
    .orderBy(asc(customerMerges.createdAt), asc(customerMerges.id));
}

export async function findMergeByMergedId(db: CustomerDb, mergedId: string): Promise<CustomerMergeRow | null> {
  const [row] = await db.select().from(customerMerges).where(eq(customerMerges.mergedId, mergedId));
  return row ?? null;
}
