import { z } from 'zod';
import { fail, isUsableIdempotencyKey, requireInternalCall, UNUSABLE_IDEMPOTENCY_KEY, userErrorsFromIssues, type Outcome } from '@omni/graphql';
import type { CatalogContext } from '../context';
import { recordInventoryAdjustment, type InventoryAdjustmentResult } from './inventory-service';

const restockReturnedInventoryInput = z.object({
  variantId: z.string().min(1),
  locationId: z.string().min(1),
  quantity: z.int('must be a whole number').min(1, 'must be at least 1').max(1_000_000, 'must be at most 1,000,000'),
  staffId: z.string().min(1).max(100).nullish(),
  note: z.string().max(500).nullish(),
  idempotencyKey: z.string().min(1).max(200).refine(isUsableIdempotencyKey, UNUSABLE_IDEMPOTENCY_KEY),
});
export type RestockReturnedInventoryInput = z.input<typeof restockReturnedInventoryInput>;

/**
 * Internal, for the cart subgraph's returns: returned units go back on hand where they were handed
 * in, as a RETURNED adjustment in the audit trail credited to the staff member who took them. It is
 * the same adjustment as `adjustInventory` without its staff location rule (a return may be taken
 * at any store) and with the sign fixed; the idempotency key makes a retried return restock once.
 */
export async function restockReturnedInventory(ctx: CatalogContext, rawInput: RestockReturnedInventoryInput): Promise<Outcome<InventoryAdjustmentResult>> {
  requireInternalCall(ctx.caller);
  const parsed = restockReturnedInventoryInput.safeParse(rawInput);
  if (!parsed.success) return fail(...userErrorsFromIssues(parsed.error.issues));
  const input = parsed.data;
  return recordInventoryAdjustment(
    ctx,
    { kind: 'service', staffId: input.staffId ?? null },
    {
      variantId: input.variantId,
      locationId: input.locationId,
      delta: input.quantity,
      reason: 'RETURNED',
      note: input.note ?? null,
      idempotencyKey: input.idempotencyKey,
    },
  );
}
