import { asc, eq, inArray } from 'drizzle-orm';
import { customers, identities, staffMembers, type CustomerRow, type IdentityRow, type StaffMemberRow } from './schema';
import type { CustomerDb } from './database';

export function findCustomersByIds(db: CustomerDb, ids: readonly string[]): Promise<CustomerRow[]> {
  return db.select().from(customers).where(inArray(customers.id, [...ids]));
}

export function findIdentitiesByCustomerIds(db: CustomerDb, customerIds: readonly string[]): Promise<IdentityRow[]> {
  return db
    .select()
    .from(identities)
    .where(inArray(identities.customerId, [...customerIds]))
    .orderBy(asc(identities.createdAt), asc(identities.id));
}

export function findStaffMembersByIds(db: CustomerDb, ids: readonly string[]): Promise<StaffMemberRow[]> {
  return db.select().from(staffMembers).where(inArray(staffMembers.id, [...ids]));
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
