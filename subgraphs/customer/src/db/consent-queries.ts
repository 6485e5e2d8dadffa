import { and, asc, gt, inArray, sql, type SQL } from 'drizzle-orm';
import { findFirstRowsPerParent } from '@omni/db';
import { consentRecords, type ConsentRecordRow } from './schema';
import type { CustomerDb } from './database';

/** The latest decision per purpose and contact channel of each customer, in one statement. */
export function findCurrentConsents(db: CustomerDb, customerIds: readonly string[]): Promise<ConsentRecordRow[]> {
  return db
    .selectDistinctOn([consentRecords.customerId, consentRecords.purpose, consentRecords.contactChannel])
    .from(consentRecords)
    .where(inArray(consentRecords.customerId, [...customerIds]))
    .orderBy(asc(consentRecords.customerId), asc(consentRecords.purpose), asc(consentRecords.contactChannel), sql`${consentRecords.recordedAt} desc`, sql`${consentRecords.id} desc`);
}

/** One page of consent history of each customer in one statement, oldest first. */
export async function findConsentHistoryPages(
  db: CustomerDb,
  customerIds: readonly string[],
  page: { limit: number; after: string | null },
): Promise<ConsentRecordRow[]> {
  const conditions: SQL[] = [inArray(consentRecords.customerId, [...customerIds])];
  if (page.after) conditions.push(gt(consentRecords.id, page.after));
  return findFirstRowsPerParent(db, { table: consentRecords, parent: consentRecords.customerId, where: and(...conditions), orderBy: [asc(consentRecords.id)], limit: page.limit + 1 });
}

export async function insertConsentRecord(db: CustomerDb, row: ConsentRecordRow): Promise<ConsentRecordRow> {
  const [created] = await db.insert(consentRecords).values(row).returning();
  return created!;
}
