import { newId } from '@omni/db';
import { publishEvents } from '@omni/events';
import type { CatalogClient, VariantSnapshot } from '../clients/catalog-client';
import type { CartDb } from '../db/database';
import { bumpCart, findActiveCartOfOwner, lockCart, setCartCouponCodes, upsertCartLines } from '../db/cart-queries';
import { findAllCartLines } from '../db/order-queries';
import { closeMergedGuestCart, handGuestCartToCustomer } from '../db/guest-merge-queries';
import { outboxEvents, type CartRow } from '../db/schema';
import { mergeCouponCodes } from './coupon-codes';
import { planGuestCartMerge } from './guest-cart-merge';

/**
 * A customer taking over another shopper's active cart: a guest's on sign-in, or a merged
 * customer's when two customer records turn out to be one person. What the transaction needs
 * from outside (the customer's own cart, the catalog's word on the source lines) is read here,
 * before it, so no lock is ever held across a network call.
 */
export interface CartTakeoverPlan {
  source: CartRow;
  customerId: string;
  /** The customer's active cart when the plan was made; null hands the source over as it is. */
  target: CartRow | null;
  snapshots: ReadonlyMap<string, VariantSnapshot | null>;
}

export interface CartTakeoverResult {
  cart: CartRow;
  droppedVariantIds: string[];
}

/** Why a takeover changed nothing: the source is no longer the cart meant, or the target changed since planning. */
export type CartTakeoverRefusal = 'SOURCE_GONE' | 'TARGET_CHANGED';
export type CartTakeoverOutcome = { ok: true; value: CartTakeoverResult } | { ok: false; reason: CartTakeoverRefusal };

export async function planCartTakeover(deps: { db: CartDb; catalog: CatalogClient }, source: CartRow, customerId: string): Promise<CartTakeoverPlan> {
  const target = await findActiveCartOfOwner(deps.db, { customerId });
  if (!target) return { source, customerId, target: null, snapshots: new Map() };
  const sourceLines = await findAllCartLines(deps.db, source.id);
  const snapshots = await deps.catalog.variantSnapshots(sourceLines.map((line) => line.variantId), target.channel, target.currencyCode);
  return { source, customerId, target, snapshots };
}

const changedEvent = (cart: CartRow, channel: string) => ({
  type: 'cart.changed',
  aggregateId: cart.id,
  payload: { cartId: cart.id, customerId: cart.customerId, guestId: cart.guestId, channel, version: cart.version, totalQuantity: cart.totalQuantity, status: cart.status, couponCodes: cart.couponCodes },
  occurredAt: cart.updatedAt,
});

/**
 * Carries out a plan inside `tx`. Without a target the source becomes the customer's cart; with
 * one, the source lines join it by `planGuestCartMerge` and the source is closed as MERGED, both
 * carts locked in id order. `isSource` says whether the locked source is still the cart meant.
 */
export async function applyCartTakeover(
  tx: CartDb,
  plan: CartTakeoverPlan,
  options: { channel: string; isSource: (locked: CartRow) => boolean },
): Promise<CartTakeoverOutcome> {
  const { source, target } = plan;
  if (!target) {
    const locked = await lockCart(tx, source.id);
    if (!locked || locked.status !== 'ACTIVE' || !options.isSource(locked)) return { ok: false, reason: 'SOURCE_GONE' };
    const cart = await handGuestCartToCustomer(tx, source.id, plan.customerId);
    await publishEvents(tx, outboxEvents, [changedEvent(cart, options.channel)]);
    return { ok: true, value: { cart, droppedVariantIds: [] } };
  }

  const [first, second] = [source.id, target.id].sort();
  const locked = new Map<string, CartRow | null>([[first!, await lockCart(tx, first!)], [second!, await lockCart(tx, second!)]]);
  const lockedSource = locked.get(source.id);
  const lockedTarget = locked.get(target.id);
  if (!lockedSource || lockedSource.status !== 'ACTIVE' || !options.isSource(lockedSource)) return { ok: false, reason: 'SOURCE_GONE' };
  if (!lockedTarget || lockedTarget.status !== 'ACTIVE' || lockedTarget.customerId !== plan.customerId) return { ok: false, reason: 'TARGET_CHANGED' };
  // Lines as they are under the locks: a source change that landed after the catalog was asked is merged too.
  const [sourceLines, targetLines] = [await findAllCartLines(tx, source.id), await findAllCartLines(tx, target.id)];
  const merge = planGuestCartMerge({ currencyCode: lockedTarget.currencyCode, channel: options.channel, guestLines: sourceLines, customerLines: targetLines, snapshots: plan.snapshots });
  const sourceByVariant = new Map(sourceLines.map((line) => [line.variantId, line]));
  const ids = merge.lines.map(() => newId('line'));
  await upsertCartLines(
    tx,
    merge.lines.map((line, index) => ({
      id: ids[index]!,
      cartId: target.id,
      variantId: line.variantId,
      quantity: line.quantity,
      unitPriceMinor: line.unitPriceMinor,
      currencyCode: line.currencyCode,
      addedInChannel: sourceByVariant.get(line.variantId)!.addedInChannel,
      addedByStaffId: sourceByVariant.get(line.variantId)!.addedByStaffId,
    })),
  );
  // The source's codes travel with its lines, so a code entered as a guest still counts after sign-in.
  const codes = mergeCouponCodes(lockedTarget.couponCodes, lockedSource.couponCodes);
  if (codes.kept.length !== lockedTarget.couponCodes.length) await setCartCouponCodes(tx, target.id, codes.kept);
  const cart = await bumpCart(tx, target.id);
  const closed = await closeMergedGuestCart(tx, source.id);
  await publishEvents(tx, outboxEvents, [changedEvent(cart, options.channel), changedEvent(closed, options.channel)]);
  return { ok: true, value: { cart, droppedVariantIds: merge.dropped.map((line) => line.variantId) } };
}
