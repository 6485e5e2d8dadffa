export const ADJUSTMENT_REASONS = ['RECEIVED', 'SOLD', 'COUNTED', 'DAMAGED', 'RETURNED', 'CORRECTION'] as const;
export type AdjustmentReason = (typeof ADJUSTMENT_REASONS)[number];

/** Large enough for any real delivery, small enough that a typo cannot overflow a level. */
export const MAX_ADJUSTMENT = 1_000_000;

export interface StockQuantities {
  onHand: number;
  reserved: number;
  /** Units kept back from sale; 0 when omitted. */
  safetyStock?: number;
}

/** What can still be sold: reserved units belong to orders already placed, safety stock is kept back. */
export function availableQuantity(level: StockQuantities): number {
  return Math.max(level.onHand - level.reserved - (level.safetyStock ?? 0), 0);
}

/**
 * Reasons that only ever move stock one way; counts and corrections can go either way. Refusing a
 * "received -5" catches the sign mistakes that otherwise surface weeks later as phantom stock.
 */
const DIRECTION: Partial<Record<AdjustmentReason, 1 | -1>> = { RECEIVED: 1, RETURNED: 1, SOLD: -1, DAMAGED: -1 };

export function directionError(reason: AdjustmentReason, delta: number): string | null {
  const direction = DIRECTION[reason];
  if (direction === 1 && delta < 0) return `${reason} adds stock: delta must be positive`;
  if (direction === -1 && delta > 0) return `${reason} removes stock: delta must be negative`;
  return null;
}

export type DeltaResult = { ok: true; onHand: number } | { ok: false; message: string };

/** On hand never drops below zero nor below what is reserved for orders. */
export function applyDelta(level: StockQuantities, delta: number): DeltaResult {
  const onHand = level.onHand + delta;
  if (onHand < 0) {
    return { ok: false, message: `Only ${level.onHand} units are on hand; cannot remove ${-delta}` };
  }
  if (onHand < level.reserved) {
    const removable = level.onHand - level.reserved;
    return { ok: false, message: `${level.reserved} units are reserved for orders; at most ${Math.max(removable, 0)} can be removed` };
  }
  return { ok: true, onHand };
}

export interface AdjustmentRequest {
  callerKind: string;
  staffId: string | null;
  variantId: string;
  locationId: string;
  delta: number;
  reason: AdjustmentReason;
  note: string | null;
}

/**
 * Canonical form of a request, stored beside its idempotency key. A replay must match it exactly,
 * so a key reused for another change, or by another person, is refused instead of silently answered.
 */
export function adjustmentFingerprint(request: AdjustmentRequest): string {
  return JSON.stringify([
    request.callerKind,
    request.staffId,
    request.variantId,
    request.locationId,
    request.delta,
    request.reason,
    request.note,
  ]);
}
