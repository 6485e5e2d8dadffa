import { and, asc, gt, isNotNull, lt, ne, or, isNull, eq, sql, type SQL } from 'drizzle-orm';
import type { CartDb } from './database';
import { carts, type CartRow } from './schema';

/** Active, non-empty carts of known customers untouched for `idleMinutes`. */
function abandoned(idleMinutes: number): SQL {
  return and(
    eq(carts.status, 'ACTIVE'),
    isNotNull(carts.customerId),
    gt(carts.lineCount, 0),
    lt(carts.updatedAt, sql`now() - make_interval(mins => ${idleMinutes}::integer)`),
  )!;
}

export function findAbandonedCartPage(db: CartDb, page: { idleMinutes: number; limit: number; after: string | null }): Promise<CartRow[]> {
  const filters = [abandoned(page.idleMinutes)];
  if (page.after !== null) filters.push(gt(carts.id, page.after));
  return db
    .select()
    .from(carts)
    .where(and(...filters))
    .orderBy(asc(carts.id))
    .limit(page.limit + 1);
}

/**
 * Marks up to `limit` abandoned carts not yet announced at their current version as announced and
 * returns them. `skip locked`: a cart being changed right now is not abandoned, and two sweepers
 * never claim the same cart.
 */
export async function claimUnannouncedAbandonedCarts(tx: CartDb, options: { idleMinutes: number; limit: number }): Promise<CartRow[]> {
  const due = await tx
    .select({ id: carts.id })
    .from(carts)
    .where(and(abandoned(options.idleMinutes), or(isNull(carts.abandonedAnnouncedVersion), ne(carts.abandonedAnnouncedVersion, carts.version))))
    .orderBy(asc(carts.id))
    .limit(options.limit)
    .for('update', { skipLocked: true });
  if (due.length === 0) return [];
  return tx
    .update(carts)
    .set({ abandonedAnnouncedVersion: sql`${carts.version}` })
    .where(sql`${carts.id} in (${sql.join(due.map((row) => sql`${row.id}`), sql`, `)})`)
    .returning();
}
