import { GraphQLError } from 'graphql';
import { captureLogs } from '@omni/observability';
import { describe, expect, it } from 'vitest';
import { createErrorFormatter } from '../src/errors';

/** Shaped like drizzle's: the SQL and its parameters in the message, the driver's error as cause. */
class DrizzleQueryError extends Error {
  constructor(query: string, params: unknown[], cause: Error) {
    super(`Failed query: ${query}\nparams: ${params}`);
    this.cause = cause;
  }
}

function tooManyClients(): Error {
  return Object.assign(new Error('sorry, too many clients already'), { name: 'PostgresError', code: '53300', severity: 'FATAL' });
}

describe('unexpected error log', () => {
  it('logs one line with the cause chain and SQLSTATE, without query parameters or stack', () => {
    const logs = captureLogs();
    const failed = new DrizzleQueryError('select "id", "email"\n  from "customer"."customers" where "email" = $1', ['anna@example.com'], tooManyClients());
    const error = new GraphQLError(failed.message, { originalError: failed, path: ['me', 'email'] });

    const formatted = createErrorFormatter()({ message: failed.message, path: ['me', 'email'] }, error);
    logs.restore();
    const lines = logs.lines.map((line) => String(line.msg));

    expect(formatted).toEqual({ message: 'Internal server error', path: ['me', 'email'], extensions: { code: 'INTERNAL_SERVER_ERROR' } });
    expect(lines).toHaveLength(1);
    const [line] = lines;
    expect(logs.lines[0]).toMatchObject({ level: 'error' });
    expect(line).not.toContain('\n');
    expect(line).toContain('at me.email');
    expect(line).toContain('Failed query: select "id", "email" from "customer"."customers" where "email" = $1');
    expect(line).toContain('PostgresError: sorry, too many clients already (code 53300)');
    expect(line).not.toContain('anna@example.com');
    expect(line).not.toMatch(/\s+at .*\(.*:\d+:\d+\)/);
  });
});
