import { GraphQLError, Kind } from 'graphql';
import { describe, expect, it } from 'vitest';
import { DateTimeScalar, DecimalScalar, parseIsoDateTime } from '../src/scalars';

function codeOf(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error instanceof GraphQLError ? error.extensions.code : error;
  }
  return 'accepted';
}

describe('Decimal', () => {
  it('takes plain decimal strings', () => {
    expect(DecimalScalar.parseValue('19.90')).toBe('19.90');
    expect(DecimalScalar.parseValue('-0.5')).toBe('-0.5');
    expect(DecimalScalar.parseLiteral({ kind: Kind.STRING, value: '100' }, undefined)).toBe('100');
  });

  it.each(['abc', '', ' 1', '1e5', '1E-2', '0x10', 'Infinity', 'NaN', '1.', '.5', '1.2.3', '1234567890123456', '1.1234567', '1\u00000'])(
    'refuses %j with BAD_USER_INPUT',
    (value) => expect(codeOf(() => DecimalScalar.parseValue(value))).toBe('BAD_USER_INPUT'),
  );

  it('refuses numbers and non-string literals', () => {
    expect(codeOf(() => DecimalScalar.parseValue(19.9))).toBe('BAD_USER_INPUT');
    expect(codeOf(() => DecimalScalar.parseLiteral({ kind: Kind.FLOAT, value: '19.9' }, undefined))).toBe('BAD_USER_INPUT');
  });
});

describe('DateTime', () => {
  it('takes strict ISO 8601 instants with a zone', () => {
    expect(DateTimeScalar.parseValue('2026-11-23T10:15:00.000Z')).toEqual(new Date('2026-11-23T10:15:00.000Z'));
    expect(DateTimeScalar.parseValue('2024-02-29T23:59:59+02:00')).toEqual(new Date('2024-02-29T21:59:59Z'));
    expect(DateTimeScalar.parseValue('1900-01-01T00:00Z')).toEqual(new Date('1900-01-01T00:00:00Z'));
    expect(DateTimeScalar.parseValue('9999-12-31T23:59:59.999999Z')).toBeInstanceOf(Date);
  });

  it.each([
    '+275760-09-13T00:00:00.000Z',
    '-000001-01-01T00:00:00Z',
    '275760-09-13T00:00:00Z',
    '1899-12-31T23:59:59Z',
    '2024-02-30T00:00:00Z',
    '2023-02-29T00:00:00Z',
    '2024-04-31T00:00:00Z',
    '2024-13-01T00:00:00Z',
    '2024-00-10T00:00:00Z',
    '2024-01-01T24:00:00Z',
    '2024-01-01T10:60:00Z',
    '2024-01-01T10:00:60Z',
    '2024-01-01T10:00:00+15:00',
    '2024-01-01',
    '2024-01-01T10:00:00',
    'Mon, 01 Jan 2024 10:00:00 GMT',
    '1700000000000',
    '',
    'now',
    '2024-01-01T10:00:00Z\u0000',
  ])('refuses %j with BAD_USER_INPUT', (value) => expect(codeOf(() => DateTimeScalar.parseValue(value))).toBe('BAD_USER_INPUT'));

  it('refuses numbers, which Date would read as epoch milliseconds', () => {
    expect(codeOf(() => DateTimeScalar.parseValue(1700000000000))).toBe('BAD_USER_INPUT');
    expect(parseIsoDateTime(1700000000000)).toBeNull();
  });
});
