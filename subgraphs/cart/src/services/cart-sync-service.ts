import { z } from 'zod';
import { isIdOf, isUniqueViolation, newId } from '@omni/db';
import { worksAt, type Caller } from '@omni/auth';
import { fail, succeed, userError, userErrorsFromIssues, type Outcome, type UserError } from '@omni/graphql';
import type { CartContext } from '../context';
import type { VariantSnapshot } from '../clients/catalog-client';
import { bumpCartAndAnnounce, deleteCartLines, lockCart, setCartCouponCodes } from '../db/cart-queries';
import type { CartDb } from '../db/database';
import { findAllCartLines, findCustomersWithActiveCart, findSyncOperations, insertSyncOperations, setCartCustomer, upsertSyncedLines } from '../db/cart-sync-queries';
import type { CartLineRow, CartRow, SyncOperationRow } from '../db/schema';
import { changeableCartAfterMerges, staffIdOf } from './cart-service';
import { normalizeCouponCode } from './coupon-codes';
import {
  applySyncOperations,
  SYNC_OPERATION_KINDS,
  syncOperationFingerprint,
  type SyncFacts,
  type SyncLine,
  type SyncOperation,
  type SyncReason,
  type SyncResult,
  type SyncState,
  type SyncStatus,
} from './cart-sync-merge';

/** Operations one upload may carry: a long day offline at a busy till, bounded so one batch is one transaction. */
export const MAX_SYNC_OPERATIONS = 10_000;
/** Different variants one upload may name: the catalog is asked about all of them at once. */
export const MAX_SYNC_VARIANTS = 200;
/** A device clock may run ahead this much; further ahead is a broken clock, not a late change. */
export const MAX_DEVICE_CLOCK_AHEAD_MS = 5 * 60_000;
/** Oldest change a device may still upload. */
export const MAX_OFFLINE_AGE_MS = 30 * 24 * 3_600_000;

const identifier = z
  .string()
  .min(1, 'must not be empty')
  .max(64, 'must be at most 64 characters')
  .regex(/^[A-Za-z0-9._:-]+$/, 'may contain only letters, digits, ".", "_", ":" and "-"');

const operationInput = z
  .object({
    opId: identifier,
    deviceTime: z.date(),
    kind: z.enum(SYNC_OPERATION_KINDS),
    variantId: z.string().min(1).max(100).nullish(),
    quantity: z.int('must be a whole number').min(0).max(999, 'must be between 0 and 999').nullish(),
    customerId: z.string().refine((id) => isIdOf('cus', id), 'must be a customer id').nullish(),
    couponCode: z.string().max(200, 'must be at most 200 characters').nullish(),
  })
  .superRefine((op, ctx) => {
    const now = Date.now();
    if (op.deviceTime.getTime() > now + MAX_DEVICE_CLOCK_AHEAD_MS) ctx.addIssue({ code: 'custom', message: 'is in the future; check the device clock', path: ['deviceTime'] });
    if (op.deviceTime.getTime() < now - MAX_OFFLINE_AGE_MS) ctx.addIssue({ code: 'custom', message: 'is more than 30 days ago', path: ['deviceTime'] });
    const needs = (field: 'variantId' | 'quantity' | 'customerId' | 'couponCode', present: boolean) => {
      if (present && op[field] == null) ctx.addIssue({ code: 'custom', message: `is required for ${op.kind}`, path: [field] });
      if (!present && op[field] != null) ctx.addIssue({ code: 'custom', message: `is not used by ${op.kind}`, path: [field] });
    };
    const lineOp = op.kind === 'ADD_LINE' || op.kind === 'SET_QUANTITY' || op.kind === 'REMOVE_LINE';
    needs('variantId', lineOp);
    needs('quantity', op.kind === 'ADD_LINE' || op.kind === 'SET_QUANTITY');
    needs('customerId', op.kind === 'SET_CUSTOMER');
    needs('couponCode', op.kind === 'APPLY_COUPON' || op.kind === 'REMOVE_COUPON');
    if (op.kind === 'ADD_LINE' && op.quantity === 0) ctx.addIssue({ code: 'custom', message: 'must be between 1 and 999', path: ['quantity'] });
    if (op.couponCode != null && !normalizeCouponCode(op.couponCode).ok) ctx.addIssue({ code: 'custom', message: 'must be 1 to 64 letters, digits, "-" or "_"', path: ['couponCode'] });
  });

const syncCartInput = z.object({
  cartId: z.string().min(1, 'must not be empty'),
  deviceId: identifier,
  baseVersion: z.int().min(1, 'must be a version the cart has had (1 or more)'),
  operations: z.array(operationInput).max(MAX_SYNC_OPERATIONS, `must contain at most ${MAX_SYNC_OPERATIONS} operations; upload the rest in another batch`),
});

export type SyncCartInput = z.input<typeof syncCartInput>;

export interface SyncOperationOutcome {
  opId: string;
  status: SyncStatus;
  reason: SyncReason | null;
  quantity: number | null;
  /** Already in the log: this answer is the first one, nothing was applied again. */
  replayed: boolean;
}

export interface SyncCartResult {
  cart: CartRow;
  results: SyncOperationOutcome[];
  /** The cart changed since `baseVersion` through others: the device should take the canonical cart. */
  changedElsewhere: boolean;
}

function toOperation(deviceId: string, op: z.output<typeof operationInput>): SyncOperation {
  return {
    opId: op.opId,
    deviceId,
    deviceTime: op.deviceTime.getTime(),
    kind: op.kind,
    variantId: op.variantId ?? null,
    quantity: op.quantity ?? null,
    customerId: op.customerId ?? null,
    couponCode: op.couponCode == null ? null : (normalizeCouponCode(op.couponCode) as { value: string }).value,
  };
}

/** The same op id twice in one batch is a duplicate delivery when the content matches, a reuse otherwise. */
function distinctOperations(ops: SyncOperation[]): Outcome<SyncOperation[]> {
  const seen = new Map<string, string>();
  const errors: UserError[] = [];
  const distinct: SyncOperation[] = [];
  ops.forEach((op, index) => {
    const fingerprint = syncOperationFingerprint(op);
    const earlier = seen.get(op.opId);
    if (earlier === undefined) {
      seen.set(op.opId, fingerprint);
      distinct.push(op);
    } else if (earlier !== fingerprint) {
      errors.push(userError('IDEMPOTENCY_KEY_REUSED', 'This opId is used by another operation in the batch', ['input', 'operations', index, 'opId']));
    }
  });
  return errors.length > 0 ? fail(...errors) : succeed(distinct);
}

/**
 * Who may sync: whoever may change the cart; a cashier or store manager only at the cart's store
 * (a till elsewhere cannot ring up this sale), and only staff attach a customer.
 */
function maySync(caller: Caller, cart: CartRow, ops: readonly SyncOperation[]): UserError | null {
  const storeBound = caller.kind === 'staff' && (caller.staffRole === 'CASHIER' || caller.staffRole === 'STORE_MANAGER');
  if (storeBound && cart.storeId !== null && !worksAt(caller, cart.storeId)) return userError('FORBIDDEN', "This cart belongs to another store's till", ['input', 'cartId']);
  if (caller.kind !== 'staff' && caller.kind !== 'admin' && ops.some((op) => op.kind === 'SET_CUSTOMER')) {
    return userError('FORBIDDEN', 'Only staff attach a customer to a cart', ['input', 'operations']);
  }
  return null;
}

function stateOf(cart: CartRow, lines: readonly CartLineRow[]): SyncState {
  const synced = (line: CartLineRow): SyncLine => ({
    quantity: line.quantity,
    stamp: line.quantitySetAt ? { time: line.quantitySetAt.getTime(), deviceId: line.quantitySetBy ?? '', opId: line.quantitySetOp ?? '' } : null,
  });
  return { lines: new Map(lines.map((line) => [line.variantId, synced(line)])), couponCodes: [...cart.couponCodes], customerId: cart.customerId, guestOwned: cart.guestId !== null };
}

const fromLog = (row: SyncOperationRow): SyncOperationOutcome => ({ opId: row.opId, status: row.status as SyncStatus, reason: row.reason as SyncReason | null, quantity: row.quantity, replayed: true });

/**
 * `syncCart`: a device uploads what it did offline. Validation is all or nothing (nothing is
 * written for a batch with any malformed operation); then every operation not in the cart's log
 * yet is merged by the rules of `cart-sync-merge.ts` under the cart lock, in the batch's order,
 * and logged with its result in the same transaction, so a re-upload (also a concurrent one)
 * answers from the log and never applies anything twice.
 */
export async function syncCart(ctx: CartContext, rawInput: SyncCartInput): Promise<Outcome<SyncCartResult>> {
  const parsed = syncCartInput.safeParse(rawInput);
  if (!parsed.success) return fail(...userErrorsFromIssues(parsed.error.issues));
  const input = parsed.data;
  const deduped = distinctOperations(input.operations.map((op) => toOperation(input.deviceId, op)));
  if (!deduped.ok) return deduped;
  const ops = deduped.value;

  const current = await changeableCartAfterMerges(ctx, await ctx.loaders.cartById.load(input.cartId));
  if (!current.ok) return current;
  const refusal = maySync(ctx.caller, current.value, ops);
  if (refusal) return fail(refusal);

  // Asked before the lock: a network call never runs under it.
  const variantIds = [...new Set(ops.flatMap((op) => (op.kind === 'ADD_LINE' || op.kind === 'SET_QUANTITY' ? [op.variantId!] : [])))];
  if (variantIds.length > MAX_SYNC_VARIANTS) return fail(userError('INVALID', `A batch may name at most ${MAX_SYNC_VARIANTS} different variants`, ['input', 'operations']));
  const customerIds = [...new Set(ops.flatMap((op) => (op.kind === 'SET_CUSTOMER' ? [op.customerId!] : [])))];
  if (customerIds.length > 10) return fail(userError('INVALID', 'A batch may name at most 10 customers', ['input', 'operations']));
  const [snapshots, currentCustomers] = await Promise.all([
    variantIds.length > 0 ? ctx.catalog.variantSnapshots(variantIds, current.value.channel, current.value.currencyCode) : new Map<string, VariantSnapshot | null>(),
    Promise.all(customerIds.map(async (id) => [id, await ctx.customers.currentCustomerId(id)] as const)),
  ]);

  let outcome: Outcome<SyncCartResult>;
  try {
    outcome = await mergeUnderLock(ctx, input, ops, snapshots, currentCustomers);
  } catch (error) {
    // The customer attached by SET_CUSTOMER opened a cart of their own meanwhile: the whole batch
    // rolled back; uploading it again reports CUSTOMER_HAS_CART for that operation.
    if (!isUniqueViolation(error, 'carts_active_customer_key')) throw error;
    return fail(userError('VERSION_CONFLICT', 'The customer opened a cart meanwhile; upload the batch again', ['input', 'operations']));
  }
  if (outcome.ok) ctx.loaders.cartById.clear(input.cartId).prime(input.cartId, outcome.value.cart);
  return outcome;
}

/** The part under the cart lock: replays from the log, merges the new operations, writes and logs them. */
function mergeUnderLock(
  ctx: CartContext,
  input: z.output<typeof syncCartInput>,
  ops: SyncOperation[],
  snapshots: ReadonlyMap<string, VariantSnapshot | null>,
  currentCustomers: readonly (readonly [string, string | null])[],
): Promise<Outcome<SyncCartResult>> {
  return ctx.db.transaction(async (tx): Promise<Outcome<SyncCartResult>> => {
    const locked = await changeableCartAfterMerges(ctx, await lockCart(tx, input.cartId), tx);
    if (!locked.ok) return locked;
    const cart = locked.value;
    if (input.baseVersion > cart.version) {
      return fail(userError('INVALID', `The cart has never been at version ${input.baseVersion}; it is at ${cart.version}`, ['input', 'baseVersion']));
    }
    const logged = new Map((await findSyncOperations(tx, cart.id, ops.map((op) => op.opId))).map((row) => [row.opId, row]));
    const reused = ops.flatMap((op, index) => {
      const row = logged.get(op.opId);
      return row && row.fingerprint !== syncOperationFingerprint(op) ? [userError('IDEMPOTENCY_KEY_REUSED', 'This opId was already uploaded with other content', ['input', 'operations', index, 'opId'])] : [];
    });
    if (reused.length > 0) return fail(...reused);

    const fresh = ops.filter((op) => !logged.has(op.opId));
    const changedElsewhere = cart.version > input.baseVersion;
    if (fresh.length === 0) return succeed({ cart, results: ops.map((op) => fromLog(logged.get(op.opId)!)), changedElsewhere });

    const lines = await findAllCartLines(tx, cart.id);
    const state = stateOf(cart, lines);
    const busy = await findCustomersWithActiveCart(tx, currentCustomers.flatMap(([, id]) => (id ? [id] : [])), cart.id);
    const currentCustomer = new Map(currentCustomers);
    const facts: SyncFacts = {
      available(variantId) {
        const snapshot = snapshots.get(variantId);
        if (!snapshot || !snapshot.availableForSale || !snapshot.publishedChannels.includes(ctx.caller.channel) || snapshot.currencyCode !== cart.currencyCode) return null;
        return Math.max(snapshot.totalAvailable, 0);
      },
      customer(id) {
        const resolved = currentCustomer.get(id);
        if (!resolved || resolved !== id) return 'not-found';
        return busy.has(id) ? 'has-cart' : 'ok';
      },
    };
    const results = applySyncOperations(state, fresh, facts);
    const changed = results.some((result) => result.status !== 'REJECTED' && result.reason !== 'ALREADY_DONE' && result.reason !== 'SUPERSEDED');

    let after = cart;
    if (changed) {
      await writeState(ctx, tx, cart, lines, state, snapshots);
      after = await bumpCartAndAnnounce(tx, cart.id, { eventId: newId('evt'), channel: ctx.caller.channel });
    }
    await insertSyncOperations(
      tx,
      fresh.map((op, index) => {
        const result: SyncResult = results[index]!;
        return {
          cartId: cart.id,
          opId: op.opId,
          deviceId: op.deviceId,
          deviceTime: new Date(op.deviceTime),
          kind: op.kind,
          fingerprint: syncOperationFingerprint(op),
          operation: op,
          status: result.status,
          reason: result.reason,
          quantity: result.quantity,
          cartVersion: after.version,
        };
      }),
    );
    const byOpId = new Map(fresh.map((op, index) => [op.opId, { ...results[index]!, replayed: false }]));
    return succeed({ cart: after, results: ops.map((op) => byOpId.get(op.opId) ?? fromLog(logged.get(op.opId)!)), changedElsewhere });
  });
}

/** Writes the merged state: changed and new lines, removed lines, coupon codes and customer. */
async function writeState(ctx: CartContext, tx: CartDb, cart: CartRow, before: readonly CartLineRow[], state: SyncState, snapshots: ReadonlyMap<string, VariantSnapshot | null>) {
  const existing = new Map(before.map((line) => [line.variantId, line]));
  const removed = before.filter((line) => !state.lines.has(line.variantId)).map((line) => line.id);
  await deleteCartLines(tx, cart.id, removed);
  const upserts = [...state.lines].flatMap(([variantId, line]) => {
    const old = existing.get(variantId);
    const stampChanged = (old?.quantitySetAt?.getTime() ?? null) !== (line.stamp?.time ?? null) || (old?.quantitySetOp ?? null) !== (line.stamp?.opId ?? null);
    if (old && old.quantity === line.quantity && !stampChanged) return [];
    const snapshot = snapshots.get(variantId);
    return [
      {
        id: old?.id ?? newId('line'),
        cartId: cart.id,
        variantId,
        quantity: line.quantity,
        // A new line takes the current price, as addCartLines does; an existing one keeps its price.
        unitPriceMinor: old?.unitPriceMinor ?? snapshot!.priceMinor,
        currencyCode: cart.currencyCode,
        addedInChannel: old?.addedInChannel ?? ctx.caller.channel,
        addedByStaffId: old ? old.addedByStaffId : staffIdOf(ctx.caller),
        quantitySetAt: line.stamp ? new Date(line.stamp.time) : null,
        quantitySetBy: line.stamp?.deviceId ?? null,
        quantitySetOp: line.stamp?.opId ?? null,
      },
    ];
  });
  await upsertSyncedLines(tx, upserts);
  if (state.couponCodes.join('\n') !== cart.couponCodes.join('\n')) await setCartCouponCodes(tx, cart.id, state.couponCodes);
  if (state.customerId !== cart.customerId && state.customerId) await setCartCustomer(tx, cart.id, state.customerId);
}
