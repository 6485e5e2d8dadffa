import { and, asc, getTableColumns, gt, inArray, lte, sql, type SQL } from 'drizzle-orm';
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
  const ranked = db.$with('ranked').as(
    db
      .select({
        ...getTableColumns(consentRecords),
        rank: sql<number>`row_number() over (partition by ${consentRecords.customerId} order by ${consentRecords.id})`.as('rank'),
      })
      .from(consentRecords)
      .where(and(...conditions)),
  );
  const rows = await db.with(ranked).select().from(ranked).where(lte(ranked.rank, page.limit + 1)).orderBy(asc(ranked.customerId), asc(ranked.rank));
  return rows.map(({ rank: _rank, ...row }) => row);
}

export async function insertConsentRecord(db: CustomerDb, row: ConsentRecordRow): Promise<ConsentRecordRow> {
  const [created] = await db.insert(consentRecords).values(row).returning();
  return created!;
}
