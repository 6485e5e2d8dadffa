import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { logger as log } from '@omni/observability';
import type { DatabaseClient } from './client';
import { traceSqlStatementsWhenTracing } from './sql-tracing';

/** Drizzle over either driver; services only see this type. */
export type Db<TSchema extends Record<string, unknown> = Record<string, unknown>> = PgDatabase<
  PgQueryResultHKT,
  TSchema
>;

/** Counts every SQL statement a service sends, so tests and benchmarks can prove there is no N+1. */
export class StatementCounter {
  private count = 0;
  increment(): void {
    this.count += 1;
  }
  get total(): number {
    return this.count;
  }
}

const PROCESS_STATEMENTS = Symbol.for('@omni/db statements sent by this process');

/**
 * Kept on the global object rather than in this module: a service compiled into one file
 * (`npm run build`) holds its own copy of this module, and the bench's wrapper that reads the
 * count from outside it holds another.
 */
const processStatements: { count: number } = ((globalThis as { [PROCESS_STATEMENTS]?: { count: number } })[PROCESS_STATEMENTS] ??= { count: 0 });

/**
 * Every SQL statement any database handle of this process has sent, background work included:
 * what the bench reads from a service running as its own process.
 */
export const statementsSentByThisProcess = (): number => processStatements.count;

export interface Database<TSchema extends Record<string, unknown>> {
  db: Db<TSchema>;
  client: DatabaseClient;
  statements: StatementCounter;
  /**
   * Another handle on the same connections with a count of its own: for background jobs
   * (sweepers), whose statements must not show up as the cost of the requests running meanwhile.
   */
  separatelyCounted(): Database<TSchema>;
}

export function createDatabase<TSchema extends Record<string, unknown>>(
  client: DatabaseClient,
  schema: TSchema,
  options: { logSql?: boolean } = {},
): Database<TSchema> {
  traceSqlStatementsWhenTracing();
  const statements = new StatementCounter();
  const logger = {
    logQuery(query: string) {
      statements.increment();
      processStatements.count += 1;
      if (options.logSql) log.info({ sql: query }, 'sql statement');
    },
  };
  const db =
    client.kind === 'pglite'
      ? drizzlePglite(client.pglite, { schema, logger })
      : drizzlePostgres(client.sql, { schema, logger });
  return { db: db as unknown as Db<TSchema>, client, statements, separatelyCounted: () => createDatabase(client, schema, options) };
}
