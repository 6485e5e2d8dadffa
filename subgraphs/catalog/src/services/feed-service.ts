import { decodeCursor, encodeCursor, isIdKey, pageRequest, type ConnectionArgs, type Connection } from '@omni/graphql';
import type { CatalogContext } from '../context';
import { findFeedPage, type FeedCursor } from '../db/catalog-queries';
import type { ProductRow } from '../db/schema';
import { isVisibleTo, requireCatalogRead, visibilityChannel } from './catalog-access';

export interface CatalogChange {
  productId: string;
  kind: 'UPSERTED' | 'REMOVED';
  changedAt: Date;
  /** The product as it is now; null in a tombstone. */
  product: ProductRow | null;
}

/** The transaction part is an `xid8`, an unsigned 64-bit number; anything larger fails the cast. */
const MAX_XID8 = 2n ** 64n - 1n;
const isFeedKey = (value: unknown): value is [string, string] =>
  Array.isArray(value) && value.length === 2 && typeof value[0] === 'string' && /^\d{1,20}$/.test(value[0]) && BigInt(value[0]) <= MAX_XID8 && isIdKey(value[1]);

/**
 * Everything that changed after the caller's cursor, one entry per product in the order the
 * changes became visible: the product as it now is when the caller's channel offers it, otherwise
 * a tombstone; a product the channel never offered is no business of its mirror and is left out. Applying every page in order to a mirror reproduces what the channel offers; the
 * last page's `endCursor` is where the next pull starts (an empty page keeps the cursor given).
 */
export async function listCatalogChanges(ctx: CatalogContext, args: ConnectionArgs): Promise<Connection<CatalogChange>> {
  requireCatalogRead(ctx.caller);
  const page = pageRequest(args, isFeedKey);
  const after: FeedCursor | null = page.after === null ? null : { tx: page.after[0], id: page.after[1] };
  const rows = await findFeedPage(ctx.db, { after, limit: page.limit + 1, channel: visibilityChannel(ctx.caller) });
  const hasNextPage = rows.length > page.limit;
  const changes = (hasNextPage ? rows.slice(0, page.limit) : rows).map((row) => {
    ctx.loaders.productById.prime(row.product.id, row.product);
    const visible = isVisibleTo(ctx.caller, row.product);
    const change: CatalogChange = {
      productId: row.productId,
      kind: visible ? 'UPSERTED' : 'REMOVED',
      changedAt: row.changedAt,
      product: visible ? row.product : null,
    };
    return { cursor: encodeCursor([row.txId, row.productId]), node: change };
  });
  const given = args.after ? (decodeCursor(args.after, isFeedKey), args.after) : null;
  return {
    edges: changes,
    pageInfo: {
      hasNextPage,
      hasPreviousPage: page.after !== null,
      startCursor: changes[0]?.cursor ?? null,
      // A partner that is up to date keeps its cursor, so it never has to start over.
      endCursor: changes.at(-1)?.cursor ?? given,
    },
  };
}
