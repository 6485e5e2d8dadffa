import { eq, sql } from 'drizzle-orm';
import type { CartDb } from './database';
import { carts, type CartRow } from './schema';

/** The guest cart becomes the customer's active cart, same id and lines, one version on. */
export async function handGuestCartToCustomer(tx: CartDb, cartId: string, customerId: string): Promise<CartRow> {
  const [row] = await tx
    .update(carts)
    .set({ customerId, guestId: null, version: sql`${carts.version} + 1`, updatedAt: sql`now()` })
    .where(eq(carts.id, cartId))
    .returning();
  if (!row) throw new Error(`Cart ${cartId} vanished while locked`);
  return row;
}

/** Closes a guest cart whose lines went into the customer's cart. */
export async function closeMergedGuestCart(tx: CartDb, cartId: string): Promise<CartRow> {
  const [row] = await tx
    .update(carts)
    .set({ status: 'MERGED', version: sql`${carts.version} + 1`, updatedAt: sql`now()` })
    .where(eq(carts.id, cartId))
    .returning();
  if (!row) throw new Error(`Cart ${cartId} vanished while locked`);
  return row;
}
