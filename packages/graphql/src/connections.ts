import { badUserInput } from './errors';
import { parseIsoDateTime } from './scalars';

/**
 * Relay connections with keyset cursors. A cursor is the opaque encoding of the sort key of the
 * edge it belongs to, so the next page is a `WHERE (key) > (cursor)` and never an OFFSET.
 */
export interface ConnectionArgs {
  first?: number | null;
  after?: string | null;
}

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

export interface PageRequest<TKey> {
  /** Rows to return; fetch one more to know whether a next page exists. */
  limit: number;
  after: TKey | null;
}

export function encodeCursor(key: unknown): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

/** Every cursor we hand out is far shorter; a longer one was not made by us. */
export const MAX_CURSOR_LENGTH = 400;

export function decodeCursor<TKey>(cursor: string, isKey: (value: unknown) => value is TKey): TKey {
  if (typeof cursor !== 'string' || cursor.length > MAX_CURSOR_LENGTH) throw badUserInput('The cursor is not valid');
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw badUserInput('The cursor is not valid');
  }
  if (!isKey(value)) throw badUserInput('The cursor is not valid');
  return value;
}

export function pageRequest<TKey>(
  args: ConnectionArgs,
  isKey: (value: unknown) => value is TKey,
  maxPageSize = MAX_PAGE_SIZE,
): PageRequest<TKey> {
  const first = args.first ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 0 || first > maxPageSize) {
    throw badUserInput(`first must be between 0 and ${maxPageSize}`);
  }
  return { limit: first, after: args.after ? decodeCursor(args.after, isKey) : null };
}

export interface Connection<TNode> {
  edges: { cursor: string; node: TNode }[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  totalCount?: number;
}

/** Builds a connection from `limit + 1` rows fetched after the cursor. */
export function toConnection<TNode>(
  rows: TNode[],
  page: PageRequest<unknown>,
  keyOf: (node: TNode) => unknown,
): Connection<TNode> {
  const hasNextPage = rows.length > page.limit;
  const nodes = hasNextPage ? rows.slice(0, page.limit) : rows;
  const edges = nodes.map((node) => ({ cursor: encodeCursor(keyOf(node)), node }));
  return {
    edges,
    pageInfo: {
      hasNextPage,
      hasPreviousPage: page.after !== null,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
  };
}

/**
 * Type guard for the most common key: the row id (ids are time-ordered ULIDs). Ids are printable
 * ASCII, so a NUL or other control character (which Postgres text refuses) is never a real key.
 */
export const isIdKey = (value: unknown): value is string =>
  typeof value === 'string' && value.length > 0 && value.length < 100 && /^[\x21-\x7e]+$/.test(value);

/** A numeric sort key as we write it: an integer in the range Postgres `bigint` and JS agree on. */
export const isIntegerKey = (value: unknown): value is number => Number.isSafeInteger(value);

/** A timestamp sort key as we write it (`toISOString()`), strictly parsed. */
export const isTimestampKey = (value: unknown): value is string => typeof value === 'string' && parseIsoDateTime(value) !== null;
