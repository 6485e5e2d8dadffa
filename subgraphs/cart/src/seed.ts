import { DEMO_EPOCH, demoCart } from '@omni/demo-data';
import type { CartDb } from './db/database';
import { cartLines, carts } from './db/schema';

/** Loads Anna's active web cart; safe to run again (an existing cart is left alone). */
export async function seedCartDemoData(db: CartDb): Promise<void> {
  const cart = demoCart();
  const addedAt = (index: number) => new Date(DEMO_EPOCH.getTime() + index * 60_000);
  await db.transaction(async (tx) => {
    const inserted = await tx
      .insert(carts)
      .values({
        id: cart.id,
        customerId: cart.customerId,
        channel: cart.channel,
        status: 'ACTIVE',
        currencyCode: cart.currencyCode,
        version: 1,
        lineCount: cart.lines.length,
        totalQuantity: cart.lines.reduce((sum, line) => sum + line.quantity, 0),
        subtotalMinor: cart.lines.reduce((sum, line) => sum + line.quantity * line.unitPriceMinor, 0),
        createdAt: DEMO_EPOCH,
        updatedAt: addedAt(cart.lines.length - 1),
      })
      .onConflictDoNothing()
      .returning({ id: carts.id });
    // Seeded before, or Anna already started another active cart: either way her lines are not ours to add.
    if (inserted.length === 0) return;
    await tx
      .insert(cartLines)
      .values(
        cart.lines.map((line, index) => ({
          id: line.id,
          cartId: cart.id,
          variantId: line.variantId,
          quantity: line.quantity,
          unitPriceMinor: line.unitPriceMinor,
          currencyCode: cart.currencyCode,
          addedInChannel: cart.channel,
          addedByStaffId: null,
          createdAt: addedAt(index),
          updatedAt: addedAt(index),
        })),
      )
      .onConflictDoNothing();
  });
}
