/**
 * True when a Postgres unique violation (SQLSTATE 23505) caused this error, whichever driver
 * raised it: drizzle wraps the driver's error in `cause`. With `constraint`, only a violation
 * of that constraint counts (postgres.js names it `constraint_name`, PGlite `constraint`).
 */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth += 1) {
    const candidate = current as { code?: unknown; constraint_name?: unknown; constraint?: unknown; cause?: unknown };
    if (candidate.code === '23505') {
      const name = candidate.constraint_name ?? candidate.constraint;
      return constraint === undefined || name === undefined || name === constraint;
    }
    current = candidate.cause;
  }
  return false;
}
