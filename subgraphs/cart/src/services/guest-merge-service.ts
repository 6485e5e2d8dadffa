import { z } from 'zod';
import { newId } from '@omni/db';
import { publishEvents } from '@omni/events';
import { fail, forbidden, succeed, unauthenticated, userError, userErrorsFromIssues, type Outcome } from '@omni/graphql';
import type { CartContext } from '../context';
import { bumpCart, findActiveCartOfOwner, lockCart, upsertCartLines } from '../db/cart-queries';
import { findAllCartLines } from '../db/order-queries';
import { closeMergedGuestCart, handGuestCartToCustomer } from '../db/guest-merge-queries';
import { outboxEvents, type CartRow } from '../db/schema';
import { planGuestCartMerge } from './guest-cart-merge';

const mergeGuestCartInput = z.object({ guestCartId: z.string().min(1, 'must not be empty') });
export type MergeGuestCartInput = z.input<typeof mergeGuestCartInput>;

export interface MergeResult {
  cart: CartRow;
  droppedVariantIds: string[];
}

const changedEvent = (cart: CartRow, channel: string) => ({
  type: 'cart.changed',
  aggregateId: cart.id,
  payload: { cartId: cart.id, customerId: cart.customerId, guestId: cart.guestId, channel, version: cart.version, totalQuantity: cart.totalQuantity, status: cart.status },
  occurredAt: cart.updatedAt,
});

/**
 * On sign-in the customer takes over the cart they filled as a guest. Knowing the guest cart's id
 * (an unguessable id only the guest's device holds) is what entitles them to it. Without an active
 * cart of their own the guest cart simply becomes theirs; otherwise its lines join the customer's
 * cart by `planGuestCartMerge` and the guest cart is closed as MERGED. Both carts are locked in id
 * order for the change, and the catalog is asked before (never across a held lock).
 */
export async function mergeGuestCart(ctx: CartContext, rawInput: MergeGuestCartInput): Promise<Outcome<MergeResult>> {
  if (ctx.caller.kind === 'anonymous') throw unauthenticated();
  if (ctx.caller.kind !== 'customer' || !ctx.caller.customerId) throw forbidden('Only a signed-in customer takes over a guest cart');
  const customerId = ctx.caller.customerId;
  const parsed = mergeGuestCartInput.safeParse(rawInput);
  if (!parsed.success) return fail(...userErrorsFromIssues(parsed.error.issues));
  const field = ['input', 'guestCartId'];

  const guest = await ctx.loaders.cartById.load(parsed.data.guestCartId);
  if (!guest || !guest.guestId) return fail(userError('NOT_FOUND', 'No such guest cart', field));
  if (guest.status !== 'ACTIVE') return fail(userError('INVALID_STATE', 'The guest cart was already taken over or checked out', field));

  const own = await findActiveCartOfOwner(ctx.db, { customerId });
  if (!own) {
    const handed = await ctx.db.transaction(async (tx): Promise<Outcome<MergeResult>> => {
      const locked = await lockCart(tx, guest.id);
      if (!locked || locked.status !== 'ACTIVE' || !locked.guestId) return fail(userError('INVALID_STATE', 'The guest cart was already taken over or checked out', field));
      const cart = await handGuestCartToCustomer(tx, guest.id, customerId);
      await publishEvents(tx, outboxEvents, [changedEvent(cart, ctx.caller.channel)]);
      return succeed({ cart, droppedVariantIds: [] });
    });
    ctx.loaders.cartById.clear(guest.id);
    return handed;
  }

  const guestLines = await findAllCartLines(ctx.db, guest.id);
  const snapshots = await ctx.catalog.variantSnapshots(guestLines.map((line) => line.variantId), own.channel);
  const merged = await ctx.db.transaction(async (tx): Promise<Outcome<MergeResult>> => {
    const [first, second] = [guest.id, own.id].sort();
    const locked = new Map<string, CartRow | null>([[first!, await lockCart(tx, first!)], [second!, await lockCart(tx, second!)]]);
    const lockedGuest = locked.get(guest.id);
    const lockedOwn = locked.get(own.id);
    if (!lockedGuest || lockedGuest.status !== 'ACTIVE' || !lockedGuest.guestId) return fail(userError('INVALID_STATE', 'The guest cart was already taken over or checked out', field));
    if (!lockedOwn || lockedOwn.status !== 'ACTIVE') return fail(userError('INVALID_STATE', 'Your cart changed meanwhile; try again', field));
    // Lines as they are under the locks: a guest change that landed after the catalog was asked is merged too.
    const [currentGuestLines, ownLines] = [await findAllCartLines(tx, guest.id), await findAllCartLines(tx, own.id)];
    const plan = planGuestCartMerge({ currencyCode: lockedOwn.currencyCode, guestLines: currentGuestLines, customerLines: ownLines, snapshots });
    const guestByVariant = new Map(currentGuestLines.map((line) => [line.variantId, line]));
    const ids = plan.lines.map(() => newId('line'));
    await upsertCartLines(
      tx,
      plan.lines.map((line, index) => ({
        id: ids[index]!,
        cartId: own.id,
        variantId: line.variantId,
        quantity: line.quantity,
        unitPriceMinor: line.unitPriceMinor,
        currencyCode: line.currencyCode,
        addedInChannel: guestByVariant.get(line.variantId)!.addedInChannel,
        addedByStaffId: guestByVariant.get(line.variantId)!.addedByStaffId,
      })),
    );
    const cart = await bumpCart(tx, own.id);
    const closed = await closeMergedGuestCart(tx, guest.id);
    await publishEvents(tx, outboxEvents, [changedEvent(cart, ctx.caller.channel), changedEvent(closed, ctx.caller.channel)]);
    return succeed({ cart, droppedVariantIds: plan.dropped.map((line) => line.variantId) });
  });
  ctx.loaders.cartById.clear(guest.id).clear(own.id);
  return merged;
}
