import { asc, inArray, sql } from 'drizzle-orm';
import { cartLines, carts, orderLines, orders, type CartLineRow, type CartRow, type OrderLineRow, type OrderRow } from './schema';
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

export async function findOrdersWithLinesOfCustomers(db: CartDb, customerIds: readonly string[]): Promise<{ orders: OrderRow[]; lines: OrderLineRow[] }> {
  const found = await db.select().from(orders).where(inArray(orders.customerId, [...customerIds])).orderBy(asc(orders.id));
  if (found.length === 0) return { orders: [], lines: [] };
  const lines = await db.select().from(orderLines).where(inArray(orderLines.orderId, found.map((order) => order.id))).orderBy(asc(orderLines.orderId), asc(orderLines.id));
  return { orders: found, lines };
}

/** Orders stay (they are the financial record); the address they shipped to is personal and goes. */
export async function eraseShippingAddressesOfCustomers(db: CartDb, customerIds: readonly string[]): Promise<void> {
  await db
    .update(orders)
    .set({ shippingAddress: null, updatedAt: sql`now()` })
    .where(inArray(orders.customerId, [...customerIds]));
}
