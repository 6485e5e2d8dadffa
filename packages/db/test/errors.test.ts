import { describe, expect, it } from 'vitest';
import { isUniqueViolation } from '../src/errors';

describe('isUniqueViolation', () => {
  it('finds SQLSTATE 23505 under drizzle wrapping, for either driver', () => {
    const postgresJs = { code: '23505', constraint_name: 'orders_key' };
    const pglite = { code: '23505', constraint: 'orders_key' };
    expect(isUniqueViolation(new Error('query failed', { cause: postgresJs }))).toBe(true);
    expect(isUniqueViolation(new Error('query failed', { cause: pglite }), 'orders_key')).toBe(true);
    expect(isUniqueViolation(new Error('query failed', { cause: postgresJs }), 'orders_key')).toBe(true);
  });

  it('ignores other errors and violations of other constraints', () => {
    expect(isUniqueViolation(new Error('boom', { cause: { code: '23503' } }))).toBe(false);
    expect(isUniqueViolation({ code: '23505', constraint: 'other_key' }, 'orders_key')).toBe(false);
    expect(isUniqueViolation(null)).toBe(false);
  });
});
