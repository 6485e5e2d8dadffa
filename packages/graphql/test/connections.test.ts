import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor, isIdKey, isIntegerKey, isTimestampKey, MAX_CURSOR_LENGTH, pageRequest, toConnection } from '../src/connections';

describe('keyset connections', () => {
  it('round-trips cursors and rejects tampered ones with BAD_USER_INPUT', () => {
    expect(decodeCursor(encodeCursor('prod_01'), isIdKey)).toBe('prod_01');
    const error = (() => {
      try {
        decodeCursor('%%%not-base64', isIdKey);
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(GraphQLError);
    expect((error as GraphQLError).extensions.code).toBe('BAD_USER_INPUT');
    expect(() => decodeCursor(encodeCursor({ id: 1 }), isIdKey)).toThrow(GraphQLError);
  });

  it('validates page size: default 20, at most 100, never negative', () => {
    expect(pageRequest({}, isIdKey)).toEqual({ limit: 20, after: null });
    expect(pageRequest({ first: 100 }, isIdKey).limit).toBe(100);
    expect(() => pageRequest({ first: 101 }, isIdKey)).toThrow(/between 0 and 100/);
    expect(() => pageRequest({ first: -1 }, isIdKey)).toThrow(GraphQLError);
  });

  it('uses the extra row only to tell that a next page exists', () => {
    const page = pageRequest({ first: 2 }, isIdKey);
    const connection = toConnection(['a', 'b', 'c'], page, (node) => node);
    expect(connection.edges.map((edge) => edge.node)).toEqual(['a', 'b']);
    expect(connection.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    expect(decodeCursor(connection.pageInfo.endCursor!, isIdKey)).toBe('b');

    const last = toConnection(['c'], pageRequest({ first: 2, after: connection.pageInfo.endCursor }, isIdKey), (node) => node);
    expect(last.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
  });
});

describe('cursor keys', () => {
  it('refuses ids with control characters, empty ids and oversized cursors', () => {
    expect(isIdKey('prod_01')).toBe(true);
    expect(isIdKey('')).toBe(false);
    expect(isIdKey('prod\u000001')).toBe(false);
    expect(isIdKey('a'.repeat(100))).toBe(false);
    expect(() => decodeCursor('A'.repeat(MAX_CURSOR_LENGTH + 1), isIdKey)).toThrow(GraphQLError);
  });

  it('takes only safe integers and strict timestamps as numeric and time keys', () => {
    expect(isIntegerKey(42)).toBe(true);
    expect([1e308, 1.5, Number.NaN, '1'].some(isIntegerKey)).toBe(false);
    expect(isTimestampKey('2026-11-23T10:15:00.000Z')).toBe(true);
    expect(['+275760-09-13T00:00:00.000Z', '2024-02-30T00:00:00.000Z', 1].some(isTimestampKey)).toBe(false);
  });
});
