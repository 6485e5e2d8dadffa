import { hasScope } from '@omni/auth';
import { publishEvents } from '@omni/events';
import { badUserInput, forbidden, isIdKey, pageRequest, toConnection, unauthenticated, describeErrorChain, logger, type ConnectionArgs } from '@omni/graphql';
import type { CartContext } from '../context';
import type { CartDb } from '../db/database';
import { claimUnannouncedAbandonedCarts, findAbandonedCartPage } from '../db/abandoned-cart-queries';
import { outboxEvents } from '../db/schema';

/** A cart of a known customer idle this long counts as abandoned unless configured otherwise. */
export const DEFAULT_ABANDONED_AFTER_MINUTES = 60;
/** Bounds of `idleMinutes`: a minute to 90 days. */
const MAX_IDLE_MINUTES = 90 * 24 * 60;

/**
 * Staff and support (`carts:read`) list the active, non-empty carts of known customers nobody
 * touched for `idleMinutes`, oldest cart first, with channel and last activity (`updatedAt`).
 */
export async function listAbandonedCarts(ctx: CartContext, args: ConnectionArgs & { idleMinutes?: number | null }, defaultIdleMinutes: number) {
  if (ctx.caller.kind === 'anonymous') throw unauthenticated();
  if (!(ctx.caller.kind === 'staff' || ctx.caller.kind === 'admin') || !hasScope(ctx.caller, 'carts:read')) throw forbidden('Only staff list abandoned carts');
  const idleMinutes = args.idleMinutes ?? defaultIdleMinutes;
  if (!Number.isInteger(idleMinutes) || idleMinutes < 1 || idleMinutes > MAX_IDLE_MINUTES) throw badUserInput(`idleMinutes must be between 1 and ${MAX_IDLE_MINUTES}`);
  const page = pageRequest(args, isIdKey);
  const rows = await findAbandonedCartPage(ctx.db, { idleMinutes, ...page });
  for (const row of rows) ctx.loaders.cartById.prime(row.id, row);
  return toConnection(rows, page, (cart) => cart.id);
}

/**
 * Puts `cart.abandoned` in the outbox once per abandoned cart version: a cart changed after its
 * event and abandoned again is announced again. The event carries ids, channel, last activity and
 * totals but no personal data; whoever sends the reminder checks the customer's marketing consent
 * (kept by the customer subgraph) first. Returns how many carts were announced.
 */
export async function announceAbandonedCarts(db: CartDb, options: { idleMinutes: number; limit?: number }): Promise<number> {
  return db.transaction(async (tx) => {
    const claimed = await claimUnannouncedAbandonedCarts(tx, { idleMinutes: options.idleMinutes, limit: options.limit ?? 100 });
    await publishEvents(
      tx,
      outboxEvents,
      claimed.map((cart) => ({
        type: 'cart.abandoned',
        aggregateId: cart.id,
        payload: {
          cartId: cart.id,
          customerId: cart.customerId,
          channel: cart.channel,
          version: cart.version,
          lastActivityAt: cart.updatedAt.toISOString(),
          totalQuantity: cart.totalQuantity,
          subtotalMinor: cart.subtotalMinor,
          currencyCode: cart.currencyCode,
        },
      })),
    );
    return claimed.length;
  });
}

/** Announces abandoned carts every `intervalMs` (one run at a time) until the returned stop is called. */
export function startAbandonedCartSweeper(
  db: CartDb,
  options: { idleMinutes?: number; intervalMs?: number; onError?: (error: unknown) => void } = {},
): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    announceAbandonedCarts(db, { idleMinutes: options.idleMinutes ?? DEFAULT_ABANDONED_AFTER_MINUTES })
      .catch(options.onError ?? ((error: unknown) => logger.error({ service: 'cart' }, `abandoned-cart sweep failed: ${describeErrorChain(error)}`)))
      .finally(() => {
        running = false;
      });
  }, options.intervalMs ?? 60_000);
  timer.unref();
  return () => clearInterval(timer);
}
