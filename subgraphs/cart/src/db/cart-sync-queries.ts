import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { CartDb } from './database';
import { cartLines, carts, syncOperations, type CartLineRow, type SyncOperationRow } from './schema';

/** Rows a statement writes at most: keeps every insert well below Postgres's parameter limit. */
const CHUNK = 1000;

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let start = 0; start < items.length; start += CHUNK) out.push(items.slice(start, start + CHUNK));
  return out;
}

/** Operations of this cart already in the log, by op id. */
export async function findSyncOperations(tx: CartDb, cartId: string, opIds: readonly string[]): Promise<SyncOperationRow[]> {
  const found: SyncOperationRow[] = [];
  for (const ids of chunks(opIds)) {
    found.push(...(await tx.select().from(syncOperations).where(and(eq(syncOperations.cartId, cartId), inArray(syncOperations.opId, ids)))));
  }
  return found;
}

/** The whole log of a cart in the order it was applied. */
export function findSyncLog(db: CartDb, cartId: string): Promise<SyncOperationRow[]> {
  return db.select().from(syncOperations).where(eq(syncOperations.cartId, cartId)).orderBy(asc(syncOperations.seq));
}

export async function insertSyncOperations(tx: CartDb, rows: (typeof syncOperations.$inferInsert)[]): Promise<void> {
  for (const chunk of chunks(rows)) await tx.insert(syncOperations).values(chunk);
}

export function findAllCartLines(tx: CartDb, cartId: string): Promise<CartLineRow[]> {
  return tx.select().from(cartLines).where(eq(cartLines.cartId, cartId)).orderBy(asc(cartLines.id));
}

/** Writes the lines a sync changed (quantity, price of new lines, last write) in one statement per chunk. */
export async function upsertSyncedLines(tx: CartDb, rows: (typeof cartLines.$inferInsert)[]): Promise<void> {
  for (const chunk of chunks(rows)) {
    await tx
      .insert(cartLines)
      .values(chunk)
      .onConflictDoUpdate({
        target: [cartLines.cartId, cartLines.variantId],
        set: {
          quantity: sql`excluded.quantity`,
          quantitySetAt: sql`excluded.quantity_set_at`,
          quantitySetBy: sql`excluded.quantity_set_by`,
          quantitySetOp: sql`excluded.quantity_set_op`,
          updatedAt: sql`now()`,
        },
      });
  }
}

export async function setCartCustomer(tx: CartDb, cartId: string, customerId: string): Promise<void> {
  await tx.update(carts).set({ customerId }).where(eq(carts.id, cartId));
}

/** Customers among these ids that have an active cart (other than this one). */
export async function findCustomersWithActiveCart(tx: CartDb, customerIds: readonly string[], exceptCartId: string): Promise<Set<string>> {
  if (customerIds.length === 0) return new Set();
  const rows = await tx
    .select({ customerId: carts.customerId })
    .from(carts)
    .where(and(inArray(carts.customerId, [...customerIds]), eq(carts.status, 'ACTIVE'), sql`${carts.id} <> ${exceptCartId}`));
  return new Set(rows.map((row) => row.customerId!));
}
