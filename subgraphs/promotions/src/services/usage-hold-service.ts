import { z } from 'zod';
import { isUniqueViolation, newId } from '@omni/db';
import { badUserInput, requireInternalCall } from '@omni/graphql';
import type { PromotionsContext } from '../context';
import type { PromotionsDb } from '../db/database';
import { lockLimitedCouponCodes } from '../db/coupon-queries';
import {
  confirmLiveHold,
  countUnderLock,
  expireLapsedHoldOfKey,
  expireLapsedHolds,
  findHoldPreflight,
  findHoldWithUses,
  findLiveHoldByKey,
  insertHoldWithUses,
  lockHold,
  lockLimitedPromotions,
  releasePendingHold,
  setHoldStatus,
} from '../db/usage-queries';
import { couponRefusals } from './coupon-limits';
import { normalizeCouponCode } from './engine';
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

/** The normalized codes of `uses`, each once, in code order (the order their locks are taken in). */
function codesOf(uses: readonly RequestedUse[]): string[] {
  return [...new Set(uses.flatMap((use) => (use.couponCode ? [normalizeCouponCode(use.couponCode)] : [])))].sort();
}

/** What a hold must lock: the limited promotions (in id order) and the codes that may have a limit (in code order). */
interface LocksToTake {
  promotionIds: readonly string[];
  codes: readonly string[];
}

/**
 * Locks the limited promotions (in id order), then the limited codes (in code order), counts what
 * already holds against them in one statement after the locks, and says which of `uses` would
 * break a limit, and whether a live hold of the key committed meanwhile. Every writer that can make
 * a use count takes these locks first, so the counts read after them cannot change until the
 * transaction ends.
 */
async function refusalsUnderLock(
  tx: PromotionsDb,
  uses: readonly RequestedUse[],
  customerId: string | null,
  locks: LocksToTake,
  key: { service: string; holdKey: string },
): Promise<{ refused: UseRefusal[]; liveHoldId: string | null }> {
  const limited: PromotionLimits[] = locks.promotionIds.length > 0 ? await lockLimitedPromotions(tx, locks.promotionIds) : [];
  const limitedCodes = locks.codes.length > 0 ? await lockLimitedCouponCodes(tx, locks.codes) : [];
  const counts = await countUnderLock(tx, { promotionIds: limited.map((promotion) => promotion.id), customerId, codes: limitedCodes.map((row) => row.code), ...key });
  const countsById = new Map(
    counts.promotions.map((row) => [row.promotionId, { totalUses: row.heldUses, customerUses: row.customerHeldUses, budgetUsedMinor: row.heldMinor } satisfies UsageCount]),
  );
  const refused = [
    ...refuseUses(uses, new Map(limited.map((promotion) => [promotion.id, promotion])), countsById, customerId !== null),
    ...couponRefusals(uses, limitedCodes, new Map(counts.codes.map((row) => [row.code, row.uses]))),
  ];
  return { refused, liveHoldId: counts.liveHoldId };
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
  const key = { service, holdKey: input.holdKey };
  const customerId = input.customerId ?? null;
  const uses: RequestedUse[] = input.uses.map((use) => ({ promotionId: use.promotionId, couponCode: use.couponCode ?? null, discountMinor: use.discountMinor }));

  const promotionIds = [...new Set(uses.map((use) => use.promotionId))];
  const codes = codesOf(uses);
  const preflight = await findHoldPreflight(ctx.db, service, input.holdKey, promotionIds, codes);
  if (preflight.liveHoldId) return { holdId: preflight.liveHoldId, refused: [] };
  const known = new Set(preflight.knownPromotionIds);
  const unknown = promotionIds.filter((promotionId) => !known.has(promotionId));
  if (unknown.length > 0) throw badUserInput(`Unknown promotion: ${unknown.join(', ')}`);
  if (pruneDue()) await expireLapsedHolds(ctx.db, PRUNE_PER_HOLD);

  // Codes known to have no limit of their own need no lock; unknown ones are looked at under lock.
  const unlimitedCodes = new Set(preflight.unlimitedCodes);
  const locks: LocksToTake = { promotionIds: preflight.limitedPromotionIds, codes: codes.filter((code) => !unlimitedCodes.has(code)) };
  const insert = async (db: PromotionsDb): Promise<PromotionUsageHold> => {
    const holdId = newId('phold');
    await insertHoldWithUses(db, { id: holdId, service, holdKey: input.holdKey, customerId, holdSeconds: USAGE_HOLD_SECONDS }, uses.map((use) => ({ id: newId('puse'), ...use })));
    return { holdId, refused: [] };
  };

  try {
    // Nothing limited and no lapsed hold in the key's way: one statement holds it all. A hold of the
    // key made meanwhile makes it fail on the key, answered below.
    if (locks.promotionIds.length === 0 && locks.codes.length === 0 && !preflight.lapsedPending) return await insert(ctx.db);
    return await ctx.db.transaction(async (tx) => {
      if (locks.promotionIds.length > 0 || locks.codes.length > 0) {
        const { refused, liveHoldId } = await refusalsUnderLock(tx, uses, customerId, locks, key);
        // A replay that queued behind the first request on the same locks finds its hold here.
        if (liveHoldId) return { holdId: liveHoldId, refused: [] };
        if (refused.length > 0) return { holdId: null, refused };
      }
      // Only a lapsed hold of this key stands in the way of a new one; one that lapses from now on
      // was live a moment ago and would have been answered above. A hold of the key made
      // meanwhile makes the insert fail on the key, answered below.
      if (preflight.lapsedPending) await expireLapsedHoldOfKey(tx, service, input.holdKey);
      return insert(tx);
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
  const service = callingService(ctx);
  // The usual case, a live pending hold: its uses count already, so one statement confirms it.
  if (await confirmLiveHold(ctx.db, holdId, service, orderId)) return true;
  // A hold's uses never change, so they may be read with it before the locks are taken.
  const found = await findHoldWithUses(ctx.db, holdId);
  if (!found || found.hold.service !== service) return false;
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
      const limited = ids.length > 0 ? await lockLimitedPromotions(tx, ids) : [];
      const hold = await lockHold(tx, holdId);
      if (!hold) return false;
      if (hold.status === 'CONFIRMED') return hold.orderId === orderId;
      if (hold.status !== 'PENDING' || hold.lapsed) {
        // Its uses stopped counting; others may have taken their place since. Its promotions are
        // locked already (locking them again is a no-op); its codes are locked next, as a hold does.
        const locks = { promotionIds: limited.map((promotion) => promotion.id), codes: codesOf(uses) };
        const { refused } = await refusalsUnderLock(tx, uses, hold.customerId, locks, { service, holdKey: hold.holdKey });
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
  // The usual case, a pending hold: one statement releases it and its uses.
  if (await releasePendingHold(ctx.db, holdId, service)) return true;
  return ctx.db.transaction(async (tx) => {
    const hold = await lockHold(tx, holdId);
    if (!hold || hold.service !== service) return true;
    if (hold.status === 'CONFIRMED') return false;
    if (hold.status === 'PENDING') await setHoldStatus(tx, holdId, 'RELEASED');
    return true;
  });
}
