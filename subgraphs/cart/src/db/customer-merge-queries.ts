import { and, eq, ne } from 'drizzle-orm';
import type { CartDb } from './database';
import { carts, customerAliases, orders } from './schema';

/** The customer a merged id now stands for, or null when the id was never merged. */
export async function findSurvivorId(db: CartDb, customerId: string): Promise<string | null> {
  const [row] = await db.select({ survivorId: customerAliases.survivorId }).from(customerAliases).where(eq(customerAliases.mergedId, customerId));
  return row?.survivorId ?? null;
}

/**
 * Records that `mergedId` is now `survivorId`, and re-points ids merged into `mergedId` before,
 * so every alias names the final survivor in one step.
 */
export async function recordCustomerAlias(tx: CartDb, mergedId: string, survivorId: string): Promise<void> {
  // A survivor that was once merged into `mergedId` is one person again: its old alias would loop.
  await tx.delete(customerAliases).where(eq(customerAliases.mergedId, survivorId));
  await tx.update(customerAliases).set({ survivorId }).where(eq(customerAliases.survivorId, mergedId));
  await tx
    .insert(customerAliases)
    .values({ mergedId, survivorId })
    .onConflictDoUpdate({ target: customerAliases.mergedId, set: { survivorId } });
}

/** Orders keep their history; only whom they belong to changes. Returns how many moved. */
export async function moveOrdersToCustomer(tx: CartDb, fromCustomerId: string, toCustomerId: string): Promise<number> {
  const moved = await tx.update(orders).set({ customerId: toCustomerId }).where(eq(orders.customerId, fromCustomerId)).returning({ id: orders.id });
  return moved.length;
}

/** Checked-out and merged carts follow the survivor as records; the active one is taken over apart. */
export async function moveClosedCartsToCustomer(tx: CartDb, fromCustomerId: string, toCustomerId: string): Promise<number> {
  const moved = await tx
    .update(carts)
    .set({ customerId: toCustomerId })
    .where(and(eq(carts.customerId, fromCustomerId), ne(carts.status, 'ACTIVE')))
    .returning({ id: carts.id });
  return moved.length;
}
