import { z } from 'zod';
import { isIdOf, isUniqueViolation, newId } from '@omni/db';
import { fail, isUsableIdempotencyKey, requireInternalCall, succeed, UNUSABLE_IDEMPOTENCY_KEY, userError, userErrorsFromIssues, type Outcome } from '@omni/graphql';
import { forgetStock, type CatalogContext } from '../context';
import { touchFeed } from '../db/catalog-queries';
import { publishStockChanged } from './catalog-events';
import {
  ensureInventoryLevels,
  findAdjustmentsByIdempotencyKeys,
  insertInventoryAdjustment,
  lockInventoryLevels,
  setLockedLevelAfterOfflineSale,
} from '../db/inventory-queries';
import type { InventoryAdjustmentRow } from '../db/schema';
import { adjustmentFingerprint } from './inventory-rules';
import { offlineSaleLevel } from './offline-sale-rules';

const recordOfflineSaleStockInput = z.object({
  locationId: z.string().refine((id) => isIdOf('loc', id), 'must be a location id'),
  receiptId: z.string().min(1).max(100).refine(isUsableIdempotencyKey, UNUSABLE_IDEMPOTENCY_KEY),
  staffId: z.string().min(1).max(100).nullish(),
  lines: z
    .array(z.object({ variantId: z.string().refine((id) => isIdOf('var', id), 'must be a variant id'), quantity: z.int().min(1).max(999) }))
    .min(1)
    .max(100)
    .refine((lines) => new Set(lines.map((line) => line.variantId)).size === lines.length, 'must name each variant once'),
});
export type RecordOfflineSaleStockInput = z.input<typeof recordOfflineSaleStockInput>;

export interface OfflineSaleStockLine {
  variantId: string;
  onHandAfter: number;
  /** The level's shortfall right after this sale: units sold offline that were not free to sell. */
  shortfallAfter: number;
}

const keyOf = (locationId: string, receiptId: string, variantId: string) => `offline-sale:${locationId}:${receiptId}:${variantId}`;

const answerOf = (adjustment: InventoryAdjustmentRow): OfflineSaleStockLine => ({ variantId: adjustment.variantId, onHandAfter: adjustment.onHandAfter, shortfallAfter: adjustment.shortfallAfter });

/**
 * Internal, for the cart subgraph's offline sales: goods a till sold while offline have left the
 * store, so on hand goes down even below zero; what was not free to sell is recorded as the level's
 * shortfall for staff to look into, never refused. One SOLD adjustment per line, keyed by store,
 * receipt and variant, all lines in one transaction: a re-upload (also a concurrent one) moves stock once.
 */
export async function recordOfflineSaleStock(ctx: CatalogContext, rawInput: RecordOfflineSaleStockInput): Promise<Outcome<OfflineSaleStockLine[]>> {
  requireInternalCall(ctx.caller);
  const parsed = recordOfflineSaleStockInput.safeParse(rawInput);
  if (!parsed.success) return fail(...userErrorsFromIssues(parsed.error.issues));
  const input = parsed.data;
  const staffId = input.staffId ?? null;
  const note = `offline sale, receipt ${input.receiptId}`;
  const requests = input.lines.map((line) => ({
    ...line,
    key: keyOf(input.locationId, input.receiptId, line.variantId),
    fingerprint: adjustmentFingerprint({ callerKind: 'service', staffId, variantId: line.variantId, locationId: input.locationId, delta: -line.quantity, reason: 'SOLD', note }),
  }));

  const replay = async (): Promise<Outcome<OfflineSaleStockLine[]> | null> => {
    const found = await findAdjustmentsByIdempotencyKeys(ctx.db, requests.map((request) => request.key));
    if (found.length === 0) return null;
    const byKey = new Map(found.map((row) => [row.idempotencyKey, row]));
    if (found.length !== requests.length || requests.some((request) => byKey.get(request.key)?.requestFingerprint !== request.fingerprint)) {
      return fail(userError('IDEMPOTENCY_KEY_REUSED', 'This receipt was recorded with other lines', ['input', 'receiptId']));
    }
    return succeed(requests.map((request) => answerOf(byKey.get(request.key)!)));
  };
  const earlier = await replay();
  if (earlier) return earlier;

  const [location, ...variants] = await Promise.all([ctx.loaders.locationById.load(input.locationId), ...input.lines.map((line) => ctx.loaders.variantById.load(line.variantId))]);
  if (!location) return fail(userError('NOT_FOUND', 'No such location', ['input', 'locationId']));
  if (location.kind !== 'STORE') return fail(userError('INVALID', 'Offline sales happen at stores', ['input', 'locationId']));
  const missing = variants.flatMap((variant, index) => (variant ? [] : [userError('NOT_FOUND', 'No such variant', ['input', 'lines', index, 'variantId'])]));
  if (missing.length > 0) return fail(...missing);

  let outcome: Outcome<OfflineSaleStockLine[]>;
  try {
    outcome = await ctx.db.transaction(async (tx) => {
      const variantIds = requests.map((request) => request.variantId);
      await ensureInventoryLevels(tx, input.locationId, variantIds);
      const levels = new Map((await lockInventoryLevels(tx, input.locationId, variantIds)).map((level) => [level.variantId, level]));
      const adjustments: InventoryAdjustmentRow[] = [];
      for (const request of requests) {
        const level = levels.get(request.variantId)!;
        const next = offlineSaleLevel(level, request.quantity);
        await setLockedLevelAfterOfflineSale(tx, request.variantId, input.locationId, next);
        adjustments.push(
          await insertInventoryAdjustment(tx, {
            id: newId('adj'),
            variantId: request.variantId,
            locationId: input.locationId,
            delta: -request.quantity,
            reason: 'SOLD',
            note,
            onHandAfter: next.onHand,
            shortfallAfter: next.shortfall,
            staffId,
            idempotencyKey: request.key,
            requestFingerprint: request.fingerprint,
            createdAt: new Date(),
          }),
        );
      }
      await touchFeed(tx, [...new Set(variants.map((variant) => variant!.productId))]);
      await publishStockChanged(tx, variants.map((variant) => ({ variantId: variant!.id, productId: variant!.productId, locationId: input.locationId })));
      return succeed(adjustments.map(answerOf));
    });
  } catch (error) {
    if (!isUniqueViolation(error, 'inventory_adjustments_idempotency_key_key')) throw error;
    // A concurrent upload of the same receipt committed first; ours rolled back whole.
    const winner = await replay();
    if (!winner) throw error;
    return winner;
  }
  forgetStock(ctx);
  return outcome;
}
