import { sql } from 'drizzle-orm';
import type { SupergraphDatabases } from '../../src/start-supergraph';

/** One digest per table of every subgraph schema: equal digests mean equal contents. */
export type TableDigests = Record<string, string>;

type Db = SupergraphDatabases[keyof SupergraphDatabases]['db'];

async function rowsOf<T>(db: Db, query: string): Promise<T[]> {
  const result = (await db.execute(sql.raw(query))) as unknown;
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}

/**
 * Digests of every base table in the given schemas except `excluded` (`schema.table`). Rows are
 * hashed one by one and sorted, so the digest does not depend on physical row order.
 */
export async function digestTables(databases: SupergraphDatabases, excluded: ReadonlySet<string>): Promise<TableDigests> {
  const digests: TableDigests = {};
  for (const [schema, database] of Object.entries(databases)) {
    const tables = await rowsOf<{ table_name: string }>(
      database.db,
      `select table_name from information_schema.tables where table_schema = '${schema}' and table_type = 'BASE TABLE' order by table_name`,
    );
    for (const { table_name: table } of tables) {
      const name = `${schema}.${table}`;
      if (excluded.has(name)) continue;
      const [row] = await rowsOf<{ digest: string; count: string | number }>(
        database.db,
        `select md5(coalesce(string_agg(md5(t::text), ',' order by md5(t::text)), '')) as digest, count(*) as count from "${schema}"."${table}" t`,
      );
      digests[name] = `${row!.count}:${row!.digest}`;
    }
  }
  return digests;
}

export function changedTables(before: TableDigests, after: TableDigests): string[] {
  const names = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...names].filter((name) => before[name] !== after[name]).sort();
}
