import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';

/** Fifteen integer digits keep every amount a safe integer in minor units; no exponent form. */
const DECIMAL_PATTERN = /^-?\d{1,15}(\.\d{1,6})?$/;

function invalid(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' } });
}

export function isDecimalString(value: unknown): value is string {
  return typeof value === 'string' && DECIMAL_PATTERN.test(value);
}

function parseDecimal(value: unknown): string {
  if (!isDecimalString(value)) {
    throw invalid('Decimal must be a string such as "19.90" (at most 15 digits before and 6 after the point)');
  }
  return value;
}

export const DecimalScalar = new GraphQLScalarType({
  name: 'Decimal',
  description: 'An exact decimal number as a string.',
  serialize: (value) => String(value),
  parseValue: parseDecimal,
  parseLiteral(ast) {
    if (ast.kind !== Kind.STRING) throw invalid('Decimal must be a string such as "19.90"');
    return parseDecimal(ast.value);
  },
});

/**
 * Instants a client may send. Postgres `timestamptz` and JavaScript dates disagree far out (and
 * Date silently rolls 2024-02-30 over to March), so only real calendar dates in years a commerce
 * record can plausibly carry are taken.
 */
export const MIN_DATE_TIME_YEAR = 1900;
export const MAX_DATE_TIME_YEAR = 9999;

const DATE_TIME_PATTERN =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-](\d{2}):(\d{2}))$/;

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** True for a real calendar day (no 30 February) in the accepted years. */
export function isCalendarDate(year: number, month: number, day: number): boolean {
  return (
    Number.isInteger(year) &&
    year >= MIN_DATE_TIME_YEAR &&
    year <= MAX_DATE_TIME_YEAR &&
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= daysInMonth(year, month)
  );
}

/** Parses strict ISO 8601 with a four-digit year, a time and a zone; null when it is anything else. */
export function parseIsoDateTime(value: unknown): Date | null {
  if (typeof value !== 'string') return null;
  const match = DATE_TIME_PATTERN.exec(value);
  if (!match) return null;
  const [, year, month, day, hour, minute, second = '0', , zone, zoneHour, zoneMinute] = match;
  if (!isCalendarDate(Number(year), Number(month), Number(day))) return null;
  if (Number(hour) > 23 || Number(minute) > 59 || Number(second) > 59) return null;
  if (zone !== 'Z' && (Number(zoneHour) > 14 || Number(zoneMinute) > 59)) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

function parseDateTime(value: unknown): Date {
  const date = parseIsoDateTime(value);
  if (!date) {
    throw invalid(`DateTime must be an ISO 8601 string such as "2026-11-23T10:15:00Z" in the years ${MIN_DATE_TIME_YEAR}–${MAX_DATE_TIME_YEAR}`);
  }
  return date;
}

export const DateTimeScalar = new GraphQLScalarType({
  name: 'DateTime',
  description: 'An instant in time as an ISO 8601 string in UTC.',
  serialize(value) {
    const date = value instanceof Date ? value : new Date(String(value));
    if (Number.isNaN(date.getTime())) throw new GraphQLError('DateTime cannot represent an invalid date');
    return date.toISOString();
  },
  parseValue: parseDateTime,
  parseLiteral(ast) {
    if (ast.kind !== Kind.STRING) throw invalid('DateTime must be an ISO 8601 string');
    return parseDateTime(ast.value);
  },
});

/** Resolvers for the scalars in common.graphql; every subgraph spreads these into its map. */
export const commonResolvers = { Decimal: DecimalScalar, DateTime: DateTimeScalar };
