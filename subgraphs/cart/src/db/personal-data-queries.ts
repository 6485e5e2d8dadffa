import { asc, inArray } from 'drizzle-orm';
import { cartLines, carts, type CartLineRow, type CartRow } from './schema';
import type { CartDb } from './database';

export async function findCartsWithLinesOfCustomers(db: CartDb, customerIds: readonly string[]): Promise<{ carts: CartRow[]; lines: CartLineRow[] }> {
  const found = await db.select().from(carts).where(inArray(carts.customerId, [...customerIds])).orderBy(asc(carts.id));
  if (found.length === 0) return { carts: [], lines: [] };
  const lines = await db.select().from(cartLines).where(inArray(cartLines.cartId, found.map((cart) => cart.id))).orderBy(asc(cartLines.cartId), asc(cartLines.id));
  return { carts: found, lines };
}

/** Lines go with their cart (on delete cascade). */
export async function deleteCartsOfCustomers(db: CartDb, customerIds: readonly string[]): Promise<number> {
  const deleted = await db.delete(carts).where(inArray(carts.customerId, [...customerIds])).returning({ id: carts.id });
  return deleted.length;
}
