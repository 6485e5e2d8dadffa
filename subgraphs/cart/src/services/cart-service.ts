import { z } from 'zod';
import { CHANNELS, type Caller } from '@omni/auth';
import { isIdOf, newId } from '@omni/db';
import {
  isBlankId,
  fail,
  forbidden,
  isCurrencyCode,
  isIdKey,
  pageRequest,
  succeed,
  toConnection,
  unauthenticated,
  userError,
  userErrorsFromIssues,
  type ConnectionArgs,
  type Outcome,
  type UserError,
} from '@omni/graphql';
import type { CartContext } from '../context';
import type { CartDb } from '../db/database';
import {
  bumpCartAndAnnounce,
  deleteCartLines,
  findActiveCartOfOwner,
  findCartLinesByIds,
  findCartLinesByVariantIds,
  findCartWithLinesOfVariants,
  insertCartUnlessOwnerHasOne,
  lockCart,
  setCartLineQuantities,
  upsertCartLinesIfAtVersion,
} from '../db/cart-queries';
import { MAX_LINE_QUANTITY, type CartLineRow, type CartRow } from '../db/schema';
import { assertAccess, cartAccess, cartAccessAfterMerges, customerCartAccessAfterMerges, survivorOf } from './cart-access';
import { checkedStore, storeOfNewCart } from './cart-store';
import { planLineAdditions, planQuantityChanges, planRemovals } from './line-changes';

/** Currency of a cart created without one: the currency the catalog prices in. */
export const DEFAULT_CART_CURRENCY = 'EUR';
/** Lines one mutation may touch; keeps every change one bounded transaction. */
export const MAX_LINES_PER_CHANGE = 100;

export async function getCart(ctx: CartContext, id: string): Promise<CartRow | null> {
  assertAccess(cartAccess(ctx.caller, 'read'), 'You may not read carts');
  const cart = await ctx.loaders.cartById.load(id);
  if (!cart) return null;
  assertAccess(await cartAccessAfterMerges(ctx, 'read', cart), 'You may only read your own cart');
  return cart;
}

/** `Customer.cart`: the customer's active cart; one statement for any number of customers. */
export async function getActiveCartOfCustomer(ctx: CartContext, customerId: string): Promise<CartRow | null> {
  assertAccess(await customerCartAccessAfterMerges(ctx, customerId), "You may not read this customer's cart");
  const cart = await ctx.loaders.activeCartByCustomerId.load(customerId);
  // Under a merged id the loader finds the survivor's cart (in the same statement). That is the
  // answer for the holder of a token from before the merge; for anyone else the merged record is empty.
  if (cart && cart.customerId !== customerId && ctx.caller.customerId !== customerId) return null;
  return cart;
}

export async function listCartLines(ctx: CartContext, cart: CartRow, args: ConnectionArgs) {
  const page = pageRequest(args, isIdKey);
  const rows = await ctx.loaders.linePagesByCartId.load(cart.id, page);
  return { ...toConnection(rows, page, (line) => line.id), totalCount: cart.lineCount };
}

const quantity = (min: number) =>
  z.int(`must be a whole number`).min(min, `must be between ${min} and ${MAX_LINE_QUANTITY}`).max(MAX_LINE_QUANTITY, `must be between ${min} and ${MAX_LINE_QUANTITY}`);
const expectedVersion = z.int().min(1, 'must be a version the cart has had (1 or more)').nullish();

/** Rejects the second mention of the same id in one request, pointing at it. */
function rejectRepeats<T>(items: T[], idOf: (item: T) => string, ctx: z.RefinementCtx, field: (index: number) => (string | number)[]) {
  const seen = new Set<string>();
  items.forEach((item, index) => {
    const id = idOf(item);
    if (seen.has(id)) ctx.addIssue({ code: 'custom', message: 'is listed more than once', path: field(index) });
    seen.add(id);
  });
}

const createCartInput = z.object({
  channel: z.enum(CHANNELS).nullish(),
  customerId: z
    .string()
    .refine((id) => isIdOf('cus', id), 'must be a customer id')
    .nullish(),
  currencyCode: z
    .string()
    .refine(isCurrencyCode, 'must be an ISO 4217 currency code such as "EUR"')
    .nullish(),
  storeId: z
    .string()
    .refine((id) => isIdOf('loc', id), 'must be a location id')
    .nullish(),
});

const addCartLinesInput = z.object({
  cartId: z.string().min(1),
  lines: z
    .array(z.object({ variantId: z.string().min(1, 'must not be empty'), quantity: quantity(1) }))
    .min(1, 'must contain at least one line')
    .max(MAX_LINES_PER_CHANGE, `must contain at most ${MAX_LINES_PER_CHANGE} lines`)
    .superRefine((lines, ctx) => rejectRepeats(lines, (line) => line.variantId, ctx, (index) => [index, 'variantId'])),
  expectedVersion,
});

const updateCartLinesInput = z.object({
  cartId: z.string().min(1),
  lines: z
    .array(z.object({ lineId: z.string().min(1, 'must not be empty'), quantity: quantity(0) }))
    .min(1, 'must contain at least one line')
    .max(MAX_LINES_PER_CHANGE, `must contain at most ${MAX_LINES_PER_CHANGE} lines`)
    .superRefine((lines, ctx) => rejectRepeats(lines, (line) => line.lineId, ctx, (index) => [index, 'lineId'])),
  expectedVersion,
});

const removeCartLinesInput = z.object({
  cartId: z.string().min(1),
  lineIds: z
    .array(z.string().min(1, 'must not be empty'))
    .min(1, 'must contain at least one line id')
    .max(MAX_LINES_PER_CHANGE, `must contain at most ${MAX_LINES_PER_CHANGE} line ids`)
    .superRefine((lineIds, ctx) => rejectRepeats(lineIds, (id) => id, ctx, (index) => [index])),
  expectedVersion,
});

export type CreateCartInput = z.input<typeof createCartInput>;
export type AddCartLinesInput = z.input<typeof addCartLinesInput>;
export type UpdateCartLinesInput = z.input<typeof updateCartLinesInput>;
export type RemoveCartLinesInput = z.input<typeof removeCartLinesInput>;

type Owner = { customerId: string } | { guestId: string } | null;

/**
 * Shoppers own the cart they create; staff create carts for a customer or, at a till, for a
 * walk-in shopper nobody else can open.
 */
function ownerOfNewCart(caller: Caller, customerId: string | null | undefined): Outcome<Owner> {
  const access = cartAccess(caller, 'write');
  if (access === 'unauthenticated') throw unauthenticated('Sign in or start a guest session to create a cart');
  if (access !== 'allowed') throw forbidden('You may not create carts');
  if (isBlankId(customerId)) return fail(userError('INVALID', 'customerId must not be empty', ['input', 'customerId']));
  if (caller.kind === 'customer' || caller.kind === 'guest') {
    if (customerId && customerId !== caller.customerId) {
      return fail(userError('FORBIDDEN', 'You may only create your own cart', ['input', 'customerId']));
    }
    return succeed(caller.kind === 'customer' ? { customerId: caller.customerId! } : { guestId: caller.guestId! });
  }
  return succeed(customerId ? { customerId } : null);
}

/**
 * A shopper's token may name an id merged into another customer since it was issued: the cart is
 * the survivor's. Staff type the id of the customer they serve, so the customer subgraph is asked
 * whether that customer exists (and who survived a merge of them) before a cart is opened for it.
 */
async function currentOwner(ctx: CartContext, owner: Owner): Promise<Outcome<Owner>> {
  if (!owner || !('customerId' in owner)) return succeed(owner);
  if (ctx.caller.kind === 'customer') {
    const survivor = await survivorOf(ctx, owner.customerId);
    return succeed(survivor ? { customerId: survivor } : owner);
  }
  const current = await ctx.customers.currentCustomerId(owner.customerId);
  return current ? succeed({ customerId: current }) : fail(userError('NOT_FOUND', 'No such customer', ['input', 'customerId']));
}

/**
 * Returns the owner's active cart when there is one: a shopper has one cart in every channel, and
 * it keeps the store it was started at (a store named now does not move it).
 */
export async function createCart(ctx: CartContext, rawInput: CreateCartInput): Promise<Outcome<CartRow>> {
  const parsed = createCartInput.safeParse(rawInput);
  if (!parsed.success) return fail(...userErrorsFromIssues(parsed.error.issues));
  const input = parsed.data;
  const channel = input.channel ?? ctx.caller.channel;
  const checked = ownerOfNewCart(ctx.caller, input.customerId);
  if (!checked.ok) return checked;
  const store = storeOfNewCart(ctx.caller, input.storeId, channel);
  if (!store.ok) return store;
  const [resolved, storeId] = await Promise.all([currentOwner(ctx, checked.value), checkedStore(ctx.catalog, store.value)]);
  if (!resolved.ok) return resolved;
  if (!storeId.ok) return storeId;
  const owner = resolved.value;

  const inserted = await insertCartUnlessOwnerHasOne(ctx.db, {
    id: newId('cart'),
    customerId: owner && 'customerId' in owner ? owner.customerId : null,
    guestId: owner && 'guestId' in owner ? owner.guestId : null,
    channel,
    currencyCode: input.currencyCode ?? DEFAULT_CART_CURRENCY,
    storeId: storeId.value,
  });
  // Only the partial unique index on the owner can refuse the row, so the owner has an active cart.
  const cart = inserted ?? (owner ? await findActiveCartOfOwner(ctx.db, owner) : null);
  if (!cart) throw new Error('A new cart was refused although its owner has no active cart');
  ctx.loaders.cartById.prime(cart.id, cart);
  return succeed(cart);
}

/** Whether the caller may change this cart now: user errors where the shopper can act on them, errors otherwise. */
export function changeableCart(caller: Caller, cart: CartRow | null): Outcome<CartRow> {
  if (!cart) return fail(userError('NOT_FOUND', 'No such cart', ['input', 'cartId']));
  const access = cartAccess(caller, 'write', cart);
  if (access === 'not-owner') return fail(userError('FORBIDDEN', 'You may only change your own cart', ['input', 'cartId']));
  assertAccess(access, 'You may not change carts');
  if (cart.status !== 'ACTIVE') {
    return fail(userError('INVALID_STATE', 'The cart is no longer active and cannot change', ['input', 'cartId']));
  }
  return succeed(cart);
}

/** `changeableCart`, also letting a token from before a merge change the survivor's cart. */
export async function changeableCartAfterMerges(ctx: CartContext, cart: CartRow | null, db: CartDb = ctx.db): Promise<Outcome<CartRow>> {
  const checked = changeableCart(ctx.caller, cart);
  if (checked.ok || !cart || cartAccess(ctx.caller, 'write', cart) !== 'not-owner') return checked;
  const mergedInto = (await cartAccessAfterMerges(ctx, 'write', cart, db)) === 'allowed';
  return mergedInto ? changeableCart({ ...ctx.caller, customerId: cart.customerId ?? undefined }, cart) : checked;
}

/** What `changeCart`'s `apply` answers when the request asks for what the cart already is. */
export const UNCHANGED = 'unchanged';

/** What `changeCart`'s `apply` answers when it bumped the cart and wrote its event itself (see `upsertCartLinesIfAtVersion`). */
export interface Announced {
  announced: CartRow;
}

/**
 * Every change runs here: the cart row is locked `for update`, so concurrent writers queue and
 * each sees the lines and version the previous one left. `apply` validates everything before it
 * writes, so returning user errors leaves the cart untouched; returning UNCHANGED answers the cart
 * as it is, with no new version and no event (a retried request must not look like a change).
 * Otherwise the cart is bumped and `cart.changed` written in the same transaction, so the event
 * exists exactly when the change committed.
 */
export async function changeCart(
  ctx: CartContext,
  cartId: string,
  expected: number | null | undefined,
  apply: (tx: CartDb, cart: CartRow) => Promise<UserError[] | typeof UNCHANGED | Announced>,
): Promise<Outcome<CartRow>> {
  const outcome = await ctx.db.transaction(async (tx): Promise<Outcome<CartRow>> => {
    const checked = await changeableCartAfterMerges(ctx, await lockCart(tx, cartId), tx);
    if (!checked.ok) return checked;
    const cart = checked.value;
    if (expected != null && expected !== cart.version) {
      return fail(userError('VERSION_CONFLICT', `The cart is at version ${cart.version}, not ${expected}; reload it and retry`, ['input', 'expectedVersion']));
    }
    const applied = await apply(tx, cart);
    if (applied === UNCHANGED) return succeed(cart);
    if (!Array.isArray(applied)) return succeed(applied.announced);
    if (applied.length > 0) return fail(...applied);
    return succeed(await bumpCartAndAnnounce(tx, cart.id, { eventId: newId('evt'), channel: ctx.caller.channel }));
  });
  if (outcome.ok) ctx.loaders.cartById.clear(cartId).prime(cartId, outcome.value);
  return outcome;
}

/** Lines added by staff are credited to them (a sale closed with help counts for the helper). */
export function staffIdOf(caller: Caller): string | null {
  return caller.kind === 'staff' || caller.kind === 'admin' ? (caller.staffId ?? null) : null;
}

export async function addCartLines(ctx: CartContext, rawInput: AddCartLinesInput): Promise<Outcome<CartRow>> {
  const parsed = addCartLinesInput.safeParse(rawInput);
  if (!parsed.success) return fail(...userErrorsFromIssues(parsed.error.issues));
  const input = parsed.data;

  // Checked before the catalog is asked, so nobody else's cart costs a service call. The lines of
  // the variants asked for come with the cart, for the plan below.
  const variantIds = input.lines.map((line) => line.variantId);
  const read = await findCartWithLinesOfVariants(ctx.db, input.cartId, variantIds);
  const current = await changeableCartAfterMerges(ctx, read.cart);
  if (!current.ok) return current;

  // Asked outside any transaction: the cart lock is never held across a network call.
  const snapshots = await ctx.catalog.variantSnapshots(variantIds, current.value.channel, current.value.currencyCode);
  const planOn = (cart: CartRow, existing: readonly CartLineRow[]) => {
    const plan = planLineAdditions({
      cartCurrencyCode: cart.currencyCode,
      channel: ctx.caller.channel,
      requested: input.lines,
      cartLineCount: cart.lineCount,
      existingByVariantId: new Map(existing.map((line) => [line.variantId, line])),
      snapshots,
    });
    if (!plan.ok) return plan;
    // Monotonic ids: lines added in one request are listed in the request's order.
    return succeed(
      plan.value.map((line) => ({
        id: newId('line'),
        variantId: line.variantId,
        quantity: line.quantity,
        unitPriceMinor: line.unitPriceMinor,
        currencyCode: line.currencyCode,
        addedInChannel: ctx.caller.channel,
        addedByStaffId: staffIdOf(ctx.caller),
      })),
    );
  };

  // Planned on the read and written in one statement while the cart is still at the version read:
  // the common case, where nobody else changed the cart in between, needs no transaction.
  if (input.expectedVersion == null || input.expectedVersion === current.value.version) {
    const rows = planOn(current.value, read.lines);
    if (!rows.ok) return rows;
    const changed = await upsertCartLinesIfAtVersion(ctx.db, current.value, rows.value, { eventId: newId('evt'), channel: ctx.caller.channel });
    if (changed) {
      ctx.loaders.cartById.clear(changed.id).prime(changed.id, changed);
      return succeed(changed);
    }
  }

  // Another change came first: planned again under the cart lock, on the lines as they are now,
  // and written by the same statement (its guard holds: the version is the one locked).
  return changeCart(ctx, input.cartId, input.expectedVersion, async (tx, cart) => {
    const rows = planOn(cart, await findCartLinesByVariantIds(tx, cart.id, variantIds));
    if (!rows.ok) return rows.userErrors;
    const announced = await upsertCartLinesIfAtVersion(tx, cart, rows.value, { eventId: newId('evt'), channel: ctx.caller.channel });
    if (!announced) throw new Error(`Cart ${cart.id} changed while locked`);
    return { announced };
  });
}

export async function updateCartLines(ctx: CartContext, rawInput: UpdateCartLinesInput): Promise<Outcome<CartRow>> {
  const parsed = updateCartLinesInput.safeParse(rawInput);
  if (!parsed.success) return fail(...userErrorsFromIssues(parsed.error.issues));
  const input = parsed.data;
  return changeCart(ctx, input.cartId, input.expectedVersion, async (tx, cart) => {
    const existing = await findCartLinesByIds(tx, cart.id, input.lines.map((line) => line.lineId));
    const plan = planQuantityChanges({ requested: input.lines, existingLineIds: new Set(existing.map((line) => line.id)) });
    if (!plan.ok) return plan.userErrors;
    await deleteCartLines(tx, cart.id, plan.value.removals);
    await setCartLineQuantities(tx, cart.id, plan.value.updates);
    return [];
  });
}

export async function removeCartLines(ctx: CartContext, rawInput: RemoveCartLinesInput): Promise<Outcome<CartRow>> {
  const parsed = removeCartLinesInput.safeParse(rawInput);
  if (!parsed.success) return fail(...userErrorsFromIssues(parsed.error.issues));
  const input = parsed.data;
  return changeCart(ctx, input.cartId, input.expectedVersion, async (tx, cart) => {
    const existing = await findCartLinesByIds(tx, cart.id, input.lineIds);
    const plan = planRemovals({ requested: input.lineIds, existingLineIds: new Set(existing.map((line) => line.id)) });
    if (!plan.ok) return plan.userErrors;
    await deleteCartLines(tx, cart.id, plan.value);
    return [];
  });
}
