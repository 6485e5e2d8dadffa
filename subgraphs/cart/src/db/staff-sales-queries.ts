import { and, desc, inArray, sql, type SQL } from 'drizzle-orm';
import { findFirstRowsPerParent } from '@omni/db';
import type { CartDb } from './database';
import { orders, type OrderRow } from './schema';

/** Where a page of a staff member's sales continues: before this order, newest first. */
export interface StaffSalesCursor {
  placedAt: string;
  id: string;
}

// Cursors carry milliseconds (what a JS Date holds) while Postgres keeps microseconds: sorting and
// comparing on the truncated time keeps a page boundary from repeating or skipping an order.
const placedAtMs = sql`date_trunc('milliseconds', ${orders.placedAt})`;

/** Up to `limit + 1` orders credited to each staff member before the cursor, newest first, in one statement. */
export function findSalesPagesOfStaff(db: CartDb, staffIds: readonly string[], page: { limit: number; after: StaffSalesCursor | null }): Promise<OrderRow[]> {
  const filters: SQL[] = [inArray(orders.staffId, [...staffIds])];
  if (page.after !== null) filters.push(sql`(${placedAtMs}, ${orders.id}) < (${page.after.placedAt}::timestamptz, ${page.after.id})`);
  return findFirstRowsPerParent(db, { table: orders, parent: orders.staffId, where: and(...filters), orderBy: [sql`${placedAtMs} desc`, desc(orders.id)], limit: page.limit + 1 });
}

export interface StaffSalesTotal {
  staffId: string;
  currencyCode: string;
  count: number;
  totalMinor: number;
}

/** Number and sum of the orders credited to each staff member, per currency, in one statement. */
export async function sumSalesOfStaff(db: CartDb, staffIds: readonly string[]): Promise<StaffSalesTotal[]> {
  const rows = await db
    .select({
      staffId: orders.staffId,
      currencyCode: orders.currencyCode,
      count: sql<number>`count(*)::integer`,
      totalMinor: sql<string>`sum(${orders.totalMinor})::bigint`,
    })
    .from(orders)
    .where(inArray(orders.staffId, [...staffIds]))
    .groupBy(orders.staffId, orders.currencyCode)
    .orderBy(orders.staffId, orders.currencyCode);
  return rows.map((row) => ({ staffId: row.staffId!, currencyCode: row.currencyCode, count: Number(row.count), totalMinor: Number(row.totalMinor) }));
}
