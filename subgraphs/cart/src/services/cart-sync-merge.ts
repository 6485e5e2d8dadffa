import { MAX_CART_LINES, MAX_COUPON_CODES, MAX_LINE_QUANTITY } from '../db/schema';

/**
 * Pure merge rules of offline cart sync (`syncCart`). Devices (POS terminals, the shopper's phone,
 * the web) queue operations while offline and upload them later, in batches, duplicated or out of
 * order. The server applies every operation it has not seen before, one at a time, in the order
 * it accepts them (batches as they arrive, operations in a batch as listed); these rules make the
 * outcome sensible whatever that order is:
 *
 * - ADD_LINE adds units: adds commute (two tills adding 1 each give 2), never lowered by the cap
 *   below what the line holds already.
 * - SET_QUANTITY / REMOVE_LINE are last-writer-wins by device time, ties broken by device id, then
 *   operation id: a write older than the one the line holds is MERGED as SUPERSEDED (no change).
 * - An operation on a line removed meanwhile is REJECTED as LINE_REMOVED, never silently dropped.
 * - Quantities are capped by the catalog's availability and by 999 per line: the capped operation is
 *   MERGED as CAPPED with what it got; nothing available at all is REJECTED as UNAVAILABLE.
 * - Coupons and the customer follow the cart's usual rules; repeating what the cart already is
 *   is MERGED as ALREADY_DONE.
 */

export const SYNC_OPERATION_KINDS = ['ADD_LINE', 'SET_QUANTITY', 'REMOVE_LINE', 'SET_CUSTOMER', 'APPLY_COUPON', 'REMOVE_COUPON'] as const;
export type SyncOperationKind = (typeof SYNC_OPERATION_KINDS)[number];
export const SYNC_STATUSES = ['APPLIED', 'MERGED', 'REJECTED'] as const;
export type SyncStatus = (typeof SYNC_STATUSES)[number];
export const SYNC_REASONS = [
  'CAPPED',
  'SUPERSEDED',
  'ALREADY_DONE',
  'LINE_REMOVED',
  'UNAVAILABLE',
  'CART_FULL',
  'TOO_MANY_COUPONS',
  'CUSTOMER_ALREADY_SET',
  'CUSTOMER_NOT_FOUND',
  'CUSTOMER_HAS_CART',
] as const;
export type SyncReason = (typeof SYNC_REASONS)[number];

export interface SyncOperation {
  opId: string;
  deviceId: string;
  /** When the device made the change, epoch milliseconds by its clock. */
  deviceTime: number;
  kind: SyncOperationKind;
  variantId?: string | null;
  quantity?: number | null;
  customerId?: string | null;
  couponCode?: string | null;
}

/** Who wrote a line's quantity last; compared as (time, device id, operation id). */
export interface WriteStamp {
  time: number;
  deviceId: string;
  opId: string;
}

export interface SyncLine {
  quantity: number;
  stamp: WriteStamp | null;
}

export interface SyncState {
  lines: Map<string, SyncLine>;
  couponCodes: string[];
  customerId: string | null;
  /** A guest's cart: its owner is not for a till to change. */
  guestOwned: boolean;
}

export interface SyncFacts {
  /** Units of the variant that can be sold now; null when it cannot be sold in this cart at all. */
  available(variantId: string): number | null;
  /** Whether a customer id can own this cart: it exists and has no other active cart. */
  customer(customerId: string): 'ok' | 'not-found' | 'has-cart';
}

export interface SyncResult {
  opId: string;
  status: SyncStatus;
  reason: SyncReason | null;
  /** The line's quantity after the operation, for line operations. */
  quantity: number | null;
}

export function compareStamps(a: WriteStamp, b: WriteStamp): number {
  if (a.time !== b.time) return a.time < b.time ? -1 : 1;
  if (a.deviceId !== b.deviceId) return a.deviceId < b.deviceId ? -1 : 1;
  return a.opId < b.opId ? -1 : a.opId > b.opId ? 1 : 0;
}

export const stampOf = (op: SyncOperation): WriteStamp => ({ time: op.deviceTime, deviceId: op.deviceId, opId: op.opId });

export function cloneSyncState(state: SyncState): SyncState {
  return {
    lines: new Map([...state.lines].map(([variantId, line]) => [variantId, { ...line }])),
    couponCodes: [...state.couponCodes],
    customerId: state.customerId,
    guestOwned: state.guestOwned,
  };
}

const result = (op: SyncOperation, status: SyncStatus, reason: SyncReason | null = null, quantity: number | null = null): SyncResult => ({ opId: op.opId, status, reason, quantity });

/** The most a line may hold: availability and the per-line maximum, never forcing it below what it holds. */
function ceilingOf(available: number, current: number): number {
  return Math.max(Math.min(available, MAX_LINE_QUANTITY), Math.min(current, MAX_LINE_QUANTITY));
}

function addLine(state: SyncState, op: SyncOperation, facts: SyncFacts): SyncResult {
  const variantId = op.variantId!;
  const line = state.lines.get(variantId);
  const available = facts.available(variantId);
  if (available === null) return result(op, 'REJECTED', 'UNAVAILABLE', line?.quantity ?? null);
  if (!line && state.lines.size >= MAX_CART_LINES) return result(op, 'REJECTED', 'CART_FULL', null);
  const current = line?.quantity ?? 0;
  const wanted = current + op.quantity!;
  const quantity = Math.min(wanted, ceilingOf(available, current));
  if (quantity <= current) return result(op, 'REJECTED', 'UNAVAILABLE', line ? current : null);
  if (line) line.quantity = quantity;
  else state.lines.set(variantId, { quantity, stamp: null });
  return quantity < wanted ? result(op, 'MERGED', 'CAPPED', quantity) : result(op, 'APPLIED', null, quantity);
}

function writeQuantity(state: SyncState, op: SyncOperation, facts: SyncFacts, wanted: number): SyncResult {
  const variantId = op.variantId!;
  const line = state.lines.get(variantId);
  if (!line) return result(op, op.kind === 'REMOVE_LINE' ? 'MERGED' : 'REJECTED', op.kind === 'REMOVE_LINE' ? 'ALREADY_DONE' : 'LINE_REMOVED', null);
  const stamp = stampOf(op);
  if (line.stamp && compareStamps(stamp, line.stamp) < 0) return result(op, 'MERGED', 'SUPERSEDED', line.quantity);
  if (wanted === 0) {
    state.lines.delete(variantId);
    return result(op, 'APPLIED', null, 0);
  }
  const quantity = Math.min(wanted, ceilingOf(facts.available(variantId) ?? 0, line.quantity));
  line.quantity = quantity;
  line.stamp = stamp;
  return quantity < wanted ? result(op, 'MERGED', 'CAPPED', quantity) : result(op, 'APPLIED', null, quantity);
}

function setCustomer(state: SyncState, op: SyncOperation, facts: SyncFacts): SyncResult {
  const customerId = op.customerId!;
  if (state.customerId === customerId) return result(op, 'MERGED', 'ALREADY_DONE');
  if (state.customerId !== null || state.guestOwned) return result(op, 'REJECTED', 'CUSTOMER_ALREADY_SET');
  const verdict = facts.customer(customerId);
  if (verdict === 'not-found') return result(op, 'REJECTED', 'CUSTOMER_NOT_FOUND');
  if (verdict === 'has-cart') return result(op, 'REJECTED', 'CUSTOMER_HAS_CART');
  state.customerId = customerId;
  return result(op, 'APPLIED');
}

/** Applies one operation to the state in place and says what became of it. */
export function applySyncOperation(state: SyncState, op: SyncOperation, facts: SyncFacts): SyncResult {
  switch (op.kind) {
    case 'ADD_LINE':
      return addLine(state, op, facts);
    case 'SET_QUANTITY':
      return writeQuantity(state, op, facts, op.quantity!);
    case 'REMOVE_LINE':
      return writeQuantity(state, op, facts, 0);
    case 'SET_CUSTOMER':
      return setCustomer(state, op, facts);
    case 'APPLY_COUPON': {
      const code = op.couponCode!;
      if (state.couponCodes.includes(code)) return result(op, 'MERGED', 'ALREADY_DONE');
      if (state.couponCodes.length >= MAX_COUPON_CODES) return result(op, 'REJECTED', 'TOO_MANY_COUPONS');
      state.couponCodes.push(code);
      return result(op, 'APPLIED');
    }
    case 'REMOVE_COUPON': {
      const code = op.couponCode!;
      if (!state.couponCodes.includes(code)) return result(op, 'MERGED', 'ALREADY_DONE');
      state.couponCodes = state.couponCodes.filter((entered) => entered !== code);
      return result(op, 'APPLIED');
    }
  }
}

/** Applies operations in order, in place: the serial application the server performs. */
export function applySyncOperations(state: SyncState, ops: readonly SyncOperation[], facts: SyncFacts): SyncResult[] {
  return ops.map((op) => applySyncOperation(state, op, facts));
}

/** What identifies an operation's content: the same opId must always carry the same content. */
export function syncOperationFingerprint(op: SyncOperation): string {
  return JSON.stringify([op.deviceId, op.deviceTime, op.kind, op.variantId ?? null, op.quantity ?? null, op.customerId ?? null, op.couponCode ?? null]);
}
