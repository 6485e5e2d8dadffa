import { z } from 'zod';
import { isUniqueViolation, newId } from '@omni/db';
import { badUserInput, requireInternalCall } from '@omni/graphql';
import type { PromotionsContext } from '../context';
import type { PromotionsDb } from '../db/database';
import { findPromotionsByIds } from '../db/promotion-queries';
import {
  countUses,
  expireLapsedHoldOfKey,
  expireLapsedHolds,
  findHoldOfKey,
  findHoldWithUses,
  findLiveHoldByKey,
  insertHold,
  lockHold,
  lockLimitedPromotions,
  setHoldStatus,
} from '../db/usage-queries';
import { couponRefusalsUnderLock } from './coupon-limits';
import { refuseUses, type PromotionLimits, type RequestedUse, type UsageCount, type UseRefusal } from './usage-limits';

/** A hold neither confirmed nor released stops counting this long after it was made. */
export const USAGE_HOLD_SECONDS = 10 * 60;
export const MAX_USES_PER_HOLD = 100;
/** Lapsed holds marked EXPIRED per pruning: enough to keep up, small enough to cost nothing. */
const PRUNE_PER_HOLD = 20;
/**
 * Pruning runs on every this many hold requests of a process: each hold lapses at most once, so
 * 20 per 8 requests keeps well ahead, and seven in eight holds skip the statement.
 */
const PRUNE_EVERY_HOLDS = 8;
let holdsUntilPrune = 0;

/** Whether this hold request prunes lapsed holds (the first of a process does, then every `PRUNE_EVERY_HOLDS`th). */
function pruneDue(): boolean {
  if (holdsUntilPrune > 0) {
    holdsUntilPrune -= 1;
    return false;
  }
  holdsUntilPrune = PRUNE_EVERY_HOLDS - 1;
  return true;
}

const id = z.string().trim().min(1).max(100);

const holdInput = z.object({
  holdKey: z.string().trim().min(1).max(300),
  customerId: id.nullish(),
  uses: z
    .array(
      z.object({
        promotionId: id,
        couponCode: z.string().trim().min(1).max(100).nullish(),
        discountMinor: z.int().min(0).max(Number.MAX_SAFE_INTEGER),
      }),
    )
    .max(MAX_USES_PER_HOLD),
});
export type HoldPromotionUsageInput = z.input<typeof holdInput>;

const confirmInput = z.object({ holdId: id, orderId: id });
export type ConfirmPromotionUsageInput = z.input<typeof confirmInput>;
const releaseInput = z.object({ holdId: id });
export type ReleasePromotionUsageInput = z.input<typeof releaseInput>;

export interface PromotionUsageHold {
  holdId: string | null;
  refused: UseRefusal[];
}

function parse<T>(schema: z.ZodType<T>, raw: unknown, what: string): T {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw badUserInput(`Invalid ${what}: ${parsed.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`).join('; ')}`);
  return parsed.data;
}

/** Hold keys and holds belong to the service that made them. */
function callingService(ctx: PromotionsContext): string {
  return ctx.caller.service ?? ctx.caller.kind;
}

async function countsFor(tx: PromotionsDb, promotionIds: readonly string[], customerId: string | null): Promise<Map<string, UsageCount>> {
  if (promotionIds.length === 0) return new Map();
  const rows = await countUses(tx, promotionIds, customerId);
  return new Map(rows.map((row) => [row.promotionId, { totalUses: row.heldUses, customerUses: row.customerHeldUses, budgetUsedMinor: row.heldMinor }]));
}

/**
 * Locks the limited promotions among `promotionIds` (in id order) and says which of `uses` would
 * break a limit. Every writer that can make a use count takes these locks first, so the counts
 * read after them cannot change until the transaction ends.
 */
async function refusalsUnderLock(tx: PromotionsDb, uses: readonly RequestedUse[], customerId: string | null): Promise<UseRefusal[]> {
  const ids = [...new Set(uses.map((use) => use.promotionId))].sort();
  if (ids.length === 0) return [];
  const limited: PromotionLimits[] = await lockLimitedPromotions(tx, ids);
  const couponRefusals = await couponRefusalsUnderLock(tx, uses);
  if (limited.length === 0) return couponRefusals;
  const counts = await countsFor(tx, limited.map((promotion) => promotion.id), customerId);
  return [...refuseUses(uses, new Map(limited.map((promotion) => [promotion.id, promotion])), counts, customerId !== null), ...couponRefusals];
}

/**
 * Holds the uses a checkout is about to give, all or none: when any would break a limit nothing is
 * held and every refused use is listed. A pending hold counts against the limits until it is
 * confirmed, released, or lapses `USAGE_HOLD_SECONDS` after it was made. The same key returns the
 * same hold while it is pending or confirmed, whatever uses the replay names; once released or
 * lapsed, the key makes a new hold (a checkout retried after a failure holds anew).
 */
export async function holdPromotionUsage(ctx: PromotionsContext, rawInput: HoldPromotionUsageInput): Promise<PromotionUsageHold> {
  requireInternalCall(ctx.caller);
  const input = parse(holdInput, rawInput, 'usage hold');
  const service = callingService(ctx);
  const customerId = input.customerId ?? null;
  const uses: RequestedUse[] = input.uses.map((use) => ({ promotionId: use.promotionId, couponCode: use.couponCode ?? null, discountMinor: use.discountMinor }));

  const ofKey = await findHoldOfKey(ctx.db, service, input.holdKey);
  if (ofKey.live) return { holdId: ofKey.live.id, refused: [] };

  const promotionIds = [...new Set(uses.map((use) => use.promotionId))];
  if (promotionIds.length > 0) {
    const known = new Set((await findPromotionsByIds(ctx.db, promotionIds)).map((promotion) => promotion.id));
    const unknown = promotionIds.filter((promotionId) => !known.has(promotionId));
    if (unknown.length > 0) throw badUserInput(`Unknown promotion: ${unknown.join(', ')}`);
  }
  if (pruneDue()) await ctx.db.transaction((tx) => expireLapsedHolds(tx, PRUNE_PER_HOLD));

  try {
    return await ctx.db.transaction(async (tx) => {
      const refused = await refusalsUnderLock(tx, uses, customerId);
      // A replay that queued behind the first request on the same locks finds its hold here.
      const raced = await findLiveHoldByKey(tx, service, input.holdKey);
      if (raced) return { holdId: raced.id, refused: [] };
      if (refused.length > 0) return { holdId: null, refused };
      // Only a lapsed hold of this key stands in the way of a new one; one that lapses from now on
      // was live a moment ago and would have been answered above. A hold of the key made
      // meanwhile makes the insert fail on the key, answered below.
      if (ofKey.lapsedPending) await expireLapsedHoldOfKey(tx, service, input.holdKey);
      const hold = await insertHold(
        tx,
        { id: newId('phold'), service, holdKey: input.holdKey, customerId, holdSeconds: USAGE_HOLD_SECONDS },
        uses.map((use) => ({ id: newId('puse'), ...use })),
      );
      return { holdId: hold.id, refused: [] };
    });
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    // A request with the same key and no locks in common committed first; ours rolled back whole.
    const winner = await findLiveHoldByKey(ctx.db, service, input.holdKey);
    if (!winner) throw error;
    return { holdId: winner.id, refused: [] };
  }
}

/**
 * The order was written: the held uses count for good. Confirming again for the same order is
 * true and changes nothing. A hold that lapsed or was released is confirmed only if its uses still
 * fit the limits (checked under the same locks as a hold); otherwise, for an unknown hold or one
 * confirmed for another order, the answer is false and nothing changes.
 */
export async function confirmPromotionUsage(ctx: PromotionsContext, rawInput: ConfirmPromotionUsageInput): Promise<boolean> {
  requireInternalCall(ctx.caller);
  const { holdId, orderId } = parse(confirmInput, rawInput, 'usage confirmation');
  // A hold's uses never change, so they may be read with it before the locks are taken.
  const found = await findHoldWithUses(ctx.db, holdId);
  if (!found || found.hold.service !== callingService(ctx)) return false;
  if (found.hold.status === 'CONFIRMED') return found.hold.orderId === orderId;
  const uses: RequestedUse[] = found.uses.map((use) => ({
    promotionId: use.promotionId,
    couponCode: use.couponCode,
    discountMinor: use.discountMinor,
  }));
  try {
    return await ctx.db.transaction(async (tx) => {
      // Promotions first, then the hold: the order every writer takes its locks in.
      const ids = [...new Set(uses.map((use) => use.promotionId))].sort();
      if (ids.length > 0) await lockLimitedPromotions(tx, ids);
      const hold = await lockHold(tx, holdId);
      if (!hold) return false;
      if (hold.status === 'CONFIRMED') return hold.orderId === orderId;
      if (hold.status !== 'PENDING' || hold.lapsed) {
        // Its uses stopped counting; others may have taken their place since.
        const refused = await refusalsUnderLock(tx, uses, hold.customerId);
        if (refused.length > 0) return false;
      }
      await setHoldStatus(tx, holdId, 'CONFIRMED', orderId);
      return true;
    });
  } catch (error) {
    // The key of a lapsed or released hold already names a newer live hold: that one is the checkout's.
    if (isUniqueViolation(error)) return false;
    throw error;
  }
}

/**
 * The checkout failed: the held uses stop counting at once. True when nothing is held any more
 * (released now or earlier, lapsed, or unknown); false only for a confirmed hold, whose uses went
 * into an order and stay counted.
 */
export async function releasePromotionUsage(ctx: PromotionsContext, rawInput: ReleasePromotionUsageInput): Promise<boolean> {
  requireInternalCall(ctx.caller);
  const { holdId } = parse(releaseInput, rawInput, 'usage release');
  const service = callingService(ctx);
  return ctx.db.transaction(async (tx) => {
    const hold = await lockHold(tx, holdId);
    if (!hold || hold.service !== service) return true;
    if (hold.status === 'CONFIRMED') return false;
    if (hold.status === 'PENDING') await setHoldStatus(tx, holdId, 'RELEASED');
    return true;
  });
}
