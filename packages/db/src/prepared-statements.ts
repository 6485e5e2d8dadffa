import { Column, is, noopDecoder, sql, SQL, type SQLWrapper } from 'drizzle-orm';
import type { Db } from './database';

const statementsByHandle = new WeakMap<object, Map<string, unknown>>();

/**
 * A read statement built once per database handle instead of on every call: drizzle skips
 * building its SQL, and the driver reuses the statement Postgres has already parsed and planned
 * on each connection. Values go in as placeholders (`sql.placeholder`), a list of keys as one
 * array (`isAnyOf`), so the text stays the same whatever the number of keys.
 *
 * `prepare` runs once per handle and `name`, so it must not capture the values of a call: one
 * name per shape of statement. A transaction is a new handle each time, so reads inside one gain
 * nothing from this and are better left as plain selects.
 */
export function preparedOnce<TDb extends Db<Record<string, unknown>>, TStatement>(db: TDb, name: string, prepare: (db: TDb) => TStatement): TStatement {
  let statements = statementsByHandle.get(db);
  if (!statements) {
    statements = new Map();
    statementsByHandle.set(db, statements);
  }
  let statement = statements.get(name) as TStatement | undefined;
  if (statement === undefined) {
    statement = withFlatRowMapper(prepare(db));
    statements.set(name, statement);
  }
  return statement;
}

/** `column = any($name)`: one statement text for any number of keys; the value is an array. */
export const isAnyOf = (column: SQLWrapper, placeholderName = 'keys'): SQL => sql`${column} = any(${sql.placeholder(placeholderName)})`;

/** What drizzle keeps on a prepared select (both the postgres.js and the PGlite one). */
interface PreparedSelectInternals {
  fields?: { path: string[]; field: unknown }[];
  customResultMapper?: (rows: unknown[][]) => unknown;
}

type Decode = ((value: unknown) => unknown) | null;

/** The column's or expression's decoder, or null where drizzle would hand the driver's value over as it is. */
function decoderOf(field: unknown): Decode {
  // An expression's decoder is internal to drizzle (what `.mapWith()` sets); an aliased one keeps it on its `sql`.
  type Decoder = { mapFromDriverValue(value: unknown): unknown };
  const expression = (sql: unknown) => (sql as { decoder: Decoder }).decoder;
  const decoder: Decoder = is(field, Column) ? field : is(field, SQL) ? expression(field) : expression((field as { sql: unknown }).sql);
  if (decoder === noopDecoder || decoder.mapFromDriverValue === Column.prototype.mapFromDriverValue) return null;
  return (value) => decoder.mapFromDriverValue(value);
}

/**
 * A page maps up to a few hundred rows per request, and drizzle's general mapper classifies every
 * column of every row again (column, expression or subquery, nested path or not). For a select of
 * flat columns (every field at the top level) the same decoders are looked up once here and
 * applied in one loop, building objects of one shape; anything nested (a join selected as
 * `{ cart, line }`) keeps drizzle's own mapping.
 */
function withFlatRowMapper<TStatement>(statement: TStatement): TStatement {
  const internals = statement as PreparedSelectInternals;
  const fields = internals.fields;
  if (!fields || internals.customResultMapper || !fields.every((field) => field.path.length === 1)) return statement;
  const names = fields.map((field) => field.path[0]!);
  const decoders = fields.map((field) => decoderOf(field.field));
  const count = names.length;
  internals.customResultMapper = (rows) =>
    rows.map((row) => {
      const mapped: Record<string, unknown> = {};
      for (let index = 0; index < count; index += 1) {
        const raw = row[index];
        const decode = decoders[index] as Decode;
        mapped[names[index]!] = raw === null || decode === null ? raw : decode(raw);
      }
      return mapped;
    });
  return statement;
}
