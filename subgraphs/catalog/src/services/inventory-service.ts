import { z } from 'zod';
import { isIdOf, newId, isUniqueViolation } from '@omni/db';
import {
  fail,
  isIdKey,
  pageRequest,
  requireScope,
  succeed,
  toConnection,
  userError,
  userErrorsFromIssues,
  type Connection,
  type ConnectionArgs,
  type Outcome,
} from '@omni/graphql';
import { forgetStock, type CatalogContext } from '../context';
import {
  ensureInventoryLevel,
  findAdjustmentByIdempotencyKey,
  findStockLevel,
  insertInventoryAdjustment,
  lockInventoryLevel,
  stockLevelKey,
  updateLockedLevel,
  type StockLevelRecord,
} from '../db/inventory-queries';
import type { InventoryAdjustmentRow } from '../db/schema';
import { touchFeed } from '../db/catalog-queries';
import { publishStockChanged } from './catalog-events';
import { canSeeInventoryInternals } from './catalog-access';
import {
  ADJUSTMENT_REASONS,
  MAX_ADJUSTMENT,
  adjustmentFingerprint,
  applyDelta,
  availableQuantity,
  directionError,
} from './inventory-rules';

export function stockAvailable(level: StockLevelRecord): number {
  return availableQuantity(level);
}

export function stockOnHand(ctx: CatalogContext, level: StockLevelRecord): number | null {
  return canSeeInventoryInternals(ctx.caller) ? level.onHand : null;
}

export function stockReserved(ctx: CatalogContext, level: StockLevelRecord): number | null {
  return canSeeInventoryInternals(ctx.caller) ? level.reserved : null;
}

export function stockSafetyStock(ctx: CatalogContext, level: StockLevelRecord): number | null {
  return canSeeInventoryInternals(ctx.caller) ? level.safetyStock : null;
}

const setSafetyStockInput = z.object({
  variantId: z.string().refine((value) => isIdOf('var', value), 'is not a variant id'),
  locationId: z.string().refine((value) => isIdOf('loc', value), 'is not a location id'),
  safetyStock: z.number().int('must be a whole number').min(0, 'must not be negative').max(MAX_ADJUSTMENT, `must be at most ${MAX_ADJUSTMENT}`),
});
export type SetSafetyStockInput = z.input<typeof setSafetyStockInput>;

/** Keeps units back from sale at one location (display pieces, shrinkage buffer). */
export async function setSafetyStock(ctx: CatalogContext, rawInput: SetSafetyStockInput): Promise<Outcome<StockLevelRecord>> {
  requireScope(ctx.caller, 'inventory:write');
  const parsed = setSafetyStockInput.safeParse(rawInput);
  if (!parsed.success) return fail(...userErrorsFromIssues(parsed.error.issues));
  const input = parsed.data;
  if (ctx.caller.kind !== 'admin' && ctx.caller.locationId !== input.locationId) {
    return fail(userError('FORBIDDEN', 'You may only change stock settings at your own location', ['input', 'locationId']));
  }
  const [variant, location] = await Promise.all([
    ctx.loaders.variantById.load(input.variantId),
    ctx.loaders.locationById.load(input.locationId),
  ]);
  if (!variant) return fail(userError('NOT_FOUND', 'No such variant', ['input', 'variantId']));
  if (!location) return fail(userError('NOT_FOUND', 'No such location', ['input', 'locationId']));
  const level = await ctx.db.transaction(async (tx) => {
    await ensureInventoryLevel(tx, input.variantId, input.locationId);
    await lockInventoryLevel(tx, input.variantId, input.locationId);
    const updated = await updateLockedLevel(tx, input.variantId, input.locationId, { safetyStock: input.safetyStock });
    await touchFeed(tx, [variant.productId]);
    await publishStockChanged(tx, [{ variantId: input.variantId, productId: variant.productId, locationId: input.locationId }]);
    return updated;
  });
  forgetStock(ctx);
  return succeed(level);
}

/** The audit trail of one level, newest first; null for callers who may not see inventory internals. */
export async function listAdjustments(
  ctx: CatalogContext,
  level: StockLevelRecord,
  args: ConnectionArgs,
): Promise<Connection<InventoryAdjustmentRow> | null> {
  if (!canSeeInventoryInternals(ctx.caller)) return null;
  const page = pageRequest(args, isIdKey);
  const rows = await ctx.loaders.adjustmentPagesByStockLevel.load(stockLevelKey(level.variantId, level.locationId), {
    limit: page.limit + 1,
    after: page.after,
  });
  return toConnection(rows, page, (row) => row.id);
}

const adjustInventoryInput = z.object({
  variantId: z.string().refine((value) => isIdOf('var', value), 'is not a variant id'),
  locationId: z.string().refine((value) => isIdOf('loc', value), 'is not a location id'),
  delta: z
    .number()
    .int('must be a whole number')
    .min(-MAX_ADJUSTMENT, `must be at least -${MAX_ADJUSTMENT}`)
    .max(MAX_ADJUSTMENT, `must be at most ${MAX_ADJUSTMENT}`)
    .refine((value) => value !== 0, 'must not be zero'),
  reason: z.enum(ADJUSTMENT_REASONS).nullish(),
  note: z.string().trim().max(500, 'must be at most 500 characters').nullish(),
  idempotencyKey: z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters'),
});

export type AdjustInventoryInput = z.input<typeof adjustInventoryInput>;

export interface InventoryAdjustmentResult {
  stockLevel: StockLevelRecord;
  adjustment: InventoryAdjustmentRow;
}

const IDEMPOTENCY_CONSTRAINT = 'inventory_adjustments_idempotency_key_key';

/**
 * Moves stock on hand at one location and records why. Writers of one level queue on its row
 * lock, so concurrent adjustments never lose an update; the idempotency key makes a retried
 * request return the first result instead of moving stock twice.
 */
export async function adjustInventory(ctx: CatalogContext, rawInput: AdjustInventoryInput): Promise<Outcome<InventoryAdjustmentResult>> {
  requireScope(ctx.caller, 'inventory:write');
  const parsed = adjustInventoryInput.safeParse(rawInput);
  if (!parsed.success) return fail(...userErrorsFromIssues(parsed.error.issues));
  const input = parsed.data;
  // Staff are bound to the store their terminal signs in from; only admins adjust anywhere.
  if (ctx.caller.kind !== 'admin' && ctx.caller.locationId !== input.locationId) {
    return fail(userError('FORBIDDEN', 'You may only adjust stock at your own location', ['input', 'locationId']));
  }
  return recordInventoryAdjustment(ctx, { kind: ctx.caller.kind, staffId: ctx.caller.staffId ?? null }, {
    variantId: input.variantId,
    locationId: input.locationId,
    delta: input.delta,
    reason: input.reason ?? 'CORRECTION',
    note: input.note ? input.note : null,
    idempotencyKey: input.idempotencyKey,
  });
}

/** Who an adjustment is recorded for; the caller kind takes part in the idempotency fingerprint. */
export interface AdjustmentActor {
  kind: string;
  staffId: string | null;
}

export interface AdjustmentRequest {
  variantId: string;
  locationId: string;
  delta: number;
  reason: NonNullable<AdjustInventoryInput['reason']>;
  note: string | null;
  idempotencyKey: string;
}

/**
 * Applies one validated, authorised adjustment: idempotent by key, never below zero or below
 * what is reserved, audited. Callers decide who may adjust where before calling it.
 */
export async function recordInventoryAdjustment(
  ctx: CatalogContext,
  actor: AdjustmentActor,
  input: AdjustmentRequest,
): Promise<Outcome<InventoryAdjustmentResult>> {
  const { reason, note } = input;
  const wrongDirection = directionError(reason, input.delta);
  if (wrongDirection) return fail(userError('INVALID', wrongDirection, ['input', 'delta']));

  const staffId = actor.staffId;
  const fingerprint = adjustmentFingerprint({
    callerKind: actor.kind,
    staffId,
    variantId: input.variantId,
    locationId: input.locationId,
    delta: input.delta,
    reason,
    note,
  });
  const earlier = await replay(ctx, input.idempotencyKey, fingerprint);
  if (earlier) return earlier;

  const [variant, location] = await Promise.all([
    ctx.loaders.variantById.load(input.variantId),
    ctx.loaders.locationById.load(input.locationId),
  ]);
  if (!variant) return fail(userError('NOT_FOUND', 'No such variant', ['input', 'variantId']));
  if (!location) return fail(userError('NOT_FOUND', 'No such location', ['input', 'locationId']));

  let outcome: Outcome<InventoryAdjustmentResult>;
  try {
    outcome = await ctx.db.transaction(async (tx) => {
      let level = await lockInventoryLevel(tx, input.variantId, input.locationId);
      if (!level) {
        // A level that was never written holds nothing; refuse removals before creating a row.
        const check = applyDelta({ onHand: 0, reserved: 0 }, input.delta);
        if (!check.ok) return fail(userError('OUT_OF_STOCK', check.message, ['input', 'delta']));
        await ensureInventoryLevel(tx, input.variantId, input.locationId);
        level = await lockInventoryLevel(tx, input.variantId, input.locationId);
        if (!level) throw new Error('Inventory level could not be created');
      }
      const next = applyDelta(level, input.delta);
      if (!next.ok) return fail(userError('OUT_OF_STOCK', next.message, ['input', 'delta']));
      const stockLevel = await updateLockedLevel(tx, input.variantId, input.locationId, { onHand: next.onHand });
      const adjustment = await insertInventoryAdjustment(tx, {
        id: newId('adj'),
        variantId: input.variantId,
        locationId: input.locationId,
        delta: input.delta,
        reason,
        note,
        onHandAfter: next.onHand,
        staffId,
        idempotencyKey: input.idempotencyKey,
        requestFingerprint: fingerprint,
        // now() would be the transaction start, before the wait for the lock: record when it happened.
        createdAt: new Date(),
      });
      await touchFeed(tx, [variant.productId]);
      await publishStockChanged(tx, [{ variantId: input.variantId, productId: variant.productId, locationId: input.locationId }]);
      return succeed({ stockLevel, adjustment });
    });
  } catch (error) {
    if (!isUniqueViolation(error, IDEMPOTENCY_CONSTRAINT)) throw error;
    // A concurrent request with the same key committed first; ours rolled back whole.
    const winner = await replay(ctx, input.idempotencyKey, fingerprint);
    if (!winner) throw error;
    return winner;
  }
  forgetStock(ctx);
  return outcome;
}

/** The first result for a key already used, or a refusal when the key came with another request. */
async function replay(
  ctx: CatalogContext,
  idempotencyKey: string,
  fingerprint: string,
): Promise<Outcome<InventoryAdjustmentResult> | null> {
  const existing = await findAdjustmentByIdempotencyKey(ctx.db, idempotencyKey);
  if (!existing) return null;
  if (existing.requestFingerprint !== fingerprint) {
    return fail(
      userError('IDEMPOTENCY_KEY_REUSED', 'This idempotency key was already used for a different adjustment', [
        'input',
        'idempotencyKey',
      ]),
    );
  }
  const stockLevel = await findStockLevel(ctx.db, existing.variantId, existing.locationId);
  return succeed({ stockLevel, adjustment: existing });
}

