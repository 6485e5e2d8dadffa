import { and, getTableColumns, lte, sql, type InferSelectModel, type SQL } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { Db } from './database';

export interface ChildPageQuery<TTable extends PgTable> {
  table: TTable;
  /** The column naming each row's parent (cart, customer, conversation…). */
  parent: PgColumn;
  /** Restricts the rows before ranking: the parents asked for, and the cursor. */
  where: SQL | undefined;
  /** The order of a page inside each parent, e.g. `[asc(lines.id)]`. */
  orderBy: SQL[];
  /** Rows per parent to keep, usually the page size plus one to tell whether another page follows. */
  limit: number;
}

/**
 * The first `limit` rows of every parent in one statement: `row_number()` partitioned by parent
 * cuts each parent's page, so a page of children for many parents (lines of many carts, orders
 * of many customers) costs one query. Rows come back grouped by parent, each group in `orderBy`.
 */
export async function findFirstRowsPerParent<TTable extends PgTable>(db: Db<Record<string, unknown>>, query: ChildPageQuery<TTable>): Promise<InferSelectModel<TTable>[]> {
  const order = sql.join(query.orderBy, sql`, `);
  // Typed loosely inside: drizzle cannot follow a generic table through a CTE; the result is cast back.
  const columns: Record<string, PgColumn> = getTableColumns(query.table as PgTable);
  const ranked = db.$with('ranked').as(
    db
      .select({
        ...columns,
        childRank: sql<number>`row_number() over (partition by ${query.parent} order by ${order})`.as('child_rank'),
        parentKey: sql<string>`${query.parent}`.as('parent_key'),
      })
      .from(query.table as PgTable)
      .where(and(query.where)),
  );
  const rows = await db
    .with(ranked)
    .select()
    .from(ranked)
    .where(lte(ranked.childRank, query.limit))
    .orderBy(ranked.parentKey, ranked.childRank);
  return rows.map(({ childRank: _rank, parentKey: _parent, ...row }) => row as InferSelectModel<TTable>);
}
