import type { CatalogDb } from './database';

const statementsByHandle = new WeakMap<object, Map<string, unknown>>();

/**
 * A read statement built once per database handle instead of on every call: drizzle skips
 * building its SQL, and the driver reuses the statement Postgres has already parsed and planned
 * on each connection. Values go in as placeholders (`sql.placeholder`), a list of keys as one
 * array (`= any(...)`), so the text stays the same whatever the number of keys.
 */
export function preparedOnce<TStatement>(db: CatalogDb, name: string, prepare: (db: CatalogDb) => TStatement): TStatement {
  let statements = statementsByHandle.get(db);
  if (!statements) {
    statements = new Map();
    statementsByHandle.set(db, statements);
  }
  let statement = statements.get(name) as TStatement | undefined;
  if (statement === undefined) {
    statement = prepare(db);
    statements.set(name, statement);
  }
  return statement;
}
