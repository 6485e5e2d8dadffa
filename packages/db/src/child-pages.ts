import { and, getTableColumns, lte, sql, type InferSelectModel, type Placeholder, type SQL } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { Db } from './database';
import { preparedOnce } from './prepared-statements';

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

/** A child page query whose values are placeholders (`sql.placeholder`), the limit included. */
export interface PreparedChildPageQuery<TTable extends PgTable> extends Omit<ChildPageQuery<TTable>, 'limit'> {
  limit: Placeholder;
}

/**
 * The first `limit` rows of every parent in one statement: `row_number()` partitioned by parent
 * cuts each parent's page, so a page of children for many parents (lines of many carts, orders
 * of many customers) costs one query. Rows come back grouped by parent, each group in `orderBy`.
 */
export async function findFirstRowsPerParent<TTable extends PgTable>(db: Db<Record<string, unknown>>, query: ChildPageQuery<TTable>): Promise<InferSelectModel<TTable>[]> {
  return withoutRanking<TTable>(await firstRowsPerParentSelect(db, query));
}

/**
 * `findFirstRowsPerParent` with its statement built once per handle and `name` (see
 * `preparedOnce`): `query` runs only the first time, so it holds placeholders, never values;
 * `values` fill them on every call.
 */
export async function findFirstRowsPerParentPrepared<TTable extends PgTable>(
  db: Db<Record<string, unknown>>,
  name: string,
  query: () => PreparedChildPageQuery<TTable>,
  values: Record<string, unknown>,
): Promise<InferSelectModel<TTable>[]> {
  const statement = preparedOnce(db, `childPages|${name}`, (on) => firstRowsPerParentSelect(on, query()).prepare(name));
  return withoutRanking<TTable>(await statement.execute(values));
}

function firstRowsPerParentSelect(db: Db<Record<string, unknown>>, query: ChildPageQuery<PgTable> | PreparedChildPageQuery<PgTable>) {
  const order = sql.join(query.orderBy, sql`, `);
  // Typed loosely inside: drizzle cannot follow a generic table through a CTE; the result is cast back.
  const columns: Record<string, PgColumn> = getTableColumns(query.table);
  const ranked = db.$with('ranked').as(
    db
      .select({
        ...columns,
        childRank: sql<number>`row_number() over (partition by ${query.parent} order by ${order})`.as('child_rank'),
        parentKey: sql<string>`${query.parent}`.as('parent_key'),
      })
      .from(query.table)
      .where(and(query.where)),
  );
  return db.with(ranked).select().from(ranked).where(lte(ranked.childRank, query.limit)).orderBy(ranked.parentKey, ranked.childRank);
}

function withoutRanking<TTable extends PgTable>(rows: readonly { childRank: unknown; parentKey: unknown }[]): InferSelectModel<TTable>[] {
  return rows.map(({ childRank: _rank, parentKey: _parent, ...row }) => row as InferSelectModel<TTable>);
}
