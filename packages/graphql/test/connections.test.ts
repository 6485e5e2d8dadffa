import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor, isIdKey, pageRequest, toConnection } from '../src/connections';

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
