import { z } from 'zod';
import { fail, forbidden, succeed, unauthenticated, userError, userErrorsFromIssues, type Outcome } from '@omni/graphql';
import type { CartContext } from '../context';
import type { CartDb } from '../db/database';
import type { CatalogClient } from '../clients/catalog-client';
import type { CartRow } from '../db/schema';
import { applyCartTakeover, planCartTakeover, type CartTakeoverOutcome, type CartTakeoverPlan, type CartTakeoverResult } from './cart-takeover';
import { survivorOf } from './cart-access';

const mergeGuestCartInput = z.object({ guestCartId: z.string().min(1, 'must not be empty') });
export type MergeGuestCartInput = z.input<typeof mergeGuestCartInput>;

export type MergeResult = CartTakeoverResult;

/** Only the guest cart it was planned for: still a guest's, not taken over meanwhile. */
const isGuestCart = (locked: CartRow) => locked.guestId !== null;

/** Plans a customer's takeover of a guest cart; the catalog is asked here, outside any transaction. */
export function planGuestCartTakeover(deps: { db: CartDb; catalog: CatalogClient }, guestCart: CartRow, customerId: string): Promise<CartTakeoverPlan> {
  return planCartTakeover(deps, guestCart, customerId);
}

/** The one place a guest cart changes hands, for the mutation and for the sign-in event alike. */
export function applyGuestCartTakeover(tx: CartDb, plan: CartTakeoverPlan, channel: string): Promise<CartTakeoverOutcome> {
  return applyCartTakeover(tx, plan, { channel, isSource: isGuestCart });
}

/**
 * On sign-in the customer takes over the cart they filled as a guest. A cart id alone proves
 * nothing (it shows in links, receipts and support chats): the customer's token must name the
 * guest the cart belongs to, which the token from `signInWithCode` on that device does. Anything
 * else is answered as an unknown cart, so ids cannot be probed. Without an active
 * cart of their own the guest cart simply becomes theirs; otherwise its lines join the customer's
 * cart by `planGuestCartMerge` and the guest cart is closed as MERGED. Both carts are locked in id
 * order for the change, and the catalog is asked before (never across a held lock).
 */
export async function mergeGuestCart(ctx: CartContext, rawInput: MergeGuestCartInput): Promise<Outcome<MergeResult>> {
  if (ctx.caller.kind === 'anonymous') throw unauthenticated();
  if (ctx.caller.kind !== 'customer' || !ctx.caller.customerId) throw forbidden('Only a signed-in customer takes over a guest cart');
  const parsed = mergeGuestCartInput.safeParse(rawInput);
  if (!parsed.success) return fail(...userErrorsFromIssues(parsed.error.issues));
  const field = ['input', 'guestCartId'];

  const guest = await ctx.loaders.cartById.load(parsed.data.guestCartId);
  if (!guest || !guest.guestId || guest.guestId !== ctx.caller.guestId) return fail(userError('NOT_FOUND', 'No such guest cart of yours', field));
  if (guest.status !== 'ACTIVE') return fail(userError('INVALID_STATE', 'The guest cart was already taken over or checked out', field));

  const deps = { db: ctx.db, catalog: ctx.catalog };
  let plan = await planGuestCartTakeover(deps, guest, ctx.caller.customerId);
  if (!plan.target) {
    // No cart of the caller's own: a token from before a merge names the merged customer, whose
    // cart went to the survivor. Only this miss pays for the look-up.
    const survivor = await survivorOf(ctx, ctx.caller.customerId);
    if (survivor) plan = await planGuestCartTakeover(deps, guest, survivor);
  }
  const outcome = await ctx.db.transaction((tx) => applyGuestCartTakeover(tx, plan, ctx.caller.channel));
  ctx.loaders.cartById.clear(guest.id);
  if (plan.target) ctx.loaders.cartById.clear(plan.target.id);
  if (outcome.ok) return succeed(outcome.value);
  return fail(
    outcome.reason === 'SOURCE_GONE'
      ? userError('INVALID_STATE', 'The guest cart was already taken over or checked out', field)
      : userError('INVALID_STATE', 'Your cart changed meanwhile; try again', field),
  );
}
