import { PglitePreparedQuery } from 'drizzle-orm/pglite';
import { PostgresJsPreparedQuery } from 'drizzle-orm/postgres-js';
import { traceStatement, tracingEnabled } from '@omni/observability';

type Run = (this: { queryString: string }, ...args: unknown[]) => Promise<unknown>;

let instrumented = false;

/**
 * Puts a span around every statement drizzle sends, on both drivers. Drizzle's logger hears of a
 * statement only before it runs, and neither driver offers a hook around one, so the prepared
 * query's own methods are wrapped; only once tracing is on, so that without it nothing changes.
 */
export function traceSqlStatementsWhenTracing(): void {
  if (instrumented || !tracingEnabled()) return;
  instrumented = true;
  for (const prototype of [PostgresJsPreparedQuery.prototype, PglitePreparedQuery.prototype] as unknown as Record<'execute' | 'all', Run>[]) {
    for (const method of ['execute', 'all'] as const) {
      const run = prototype[method];
      prototype[method] = function (this: { queryString: string }, ...args: unknown[]) {
        return traceStatement(this.queryString, () => run.apply(this, args));
      };
    }
  }
}
