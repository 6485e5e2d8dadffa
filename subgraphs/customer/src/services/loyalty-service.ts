import { z } from 'zod';
import { newId } from '@omni/db';
import { fail, forbidden, isBlankId, isIdKey, isUsableIdempotencyKey, pageRequest, requireInternalCall, succeed, toConnection, unauthenticated, UNUSABLE_IDEMPOTENCY_KEY, userError, userErrorsFromIssues, type ConnectionArgs, type Outcome } from '@omni/graphql';
import type { CustomerContext } from '../context';
import type { CustomerDb } from '../db/database';
import {
  changeBalance,
  emptyExpiredLots,
  findCustomersWithExpiredLots,
  findEntryByIdempotencyKey,
  findOpenLots,
  insertLoyaltyEntry,
  lockLoyaltyAccount,
  takeFromLots,
} from '../db/loyalty-queries';
import type { CustomerRow, LoyaltyAccountRow, LoyaltyEntryRow } from '../db/schema';
import { requireCustomerWriter, targetCustomer } from './customer-access';
import { allocateRedemption, tierFor } from './loyalty-tiers';

/** How long earned points stay spendable unless the lot says otherwise. */
export const LOYALTY_LOT_LIFETIME_MS = 365 * 24 * 60 * 60 * 1000;

export interface LoyaltyAccountView {
  customerId: string;
  balance: number;
  lifetimeEarned: number;
  tier: string;
  pointsToNextTier: number | null;
}

export function toAccountView(customerId: string, row: LoyaltyAccountRow | null): LoyaltyAccountView {
  const balance = row?.balance ?? 0;
  const lifetimeEarned = row?.lifetimeEarned ?? 0;
  return { customerId, balance, lifetimeEarned, ...tierFor(lifetimeEarned) };
}

export async function getLoyaltyAccount(ctx: CustomerContext, customer: CustomerRow): Promise<LoyaltyAccountView> {
  return toAccountView(customer.id, await ctx.loaders.loyaltyAccountByCustomerId.load(customer.id));
}

export async function listLoyaltyEntries(ctx: CustomerContext, account: LoyaltyAccountView, args: ConnectionArgs) {
  const page = pageRequest(args, isIdKey);
  const rows = await ctx.loaders.loyaltyEntryPage.load(account.customerId, page);
  return toConnection(rows, page, (row) => row.id);
}

const points = z.number().int('must be a whole number').min(1, 'must be at least 1').max(1_000_000, 'must be at most 1,000,000');
const reason = z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters');
const idempotencyKey = z
  .string()
  .min(8, 'must be at least 8 characters')
  .max(100, 'must be at most 100 characters')
  .refine(isUsableIdempotencyKey, UNUSABLE_IDEMPOTENCY_KEY);

const earnInput = z.object({
  customerId: z.string().min(1),
  points,
  reason,
  expiresAt: z.date().nullish().refine((date) => !date || date.getTime() > Date.now(), 'must be in the future'),
  idempotencyKey,
});
const redeemInput = z.object({ customerId: z.string().min(1).nullish(), points, reason, idempotencyKey });
export type EarnLoyaltyPointsInput = z.input<typeof earnInput>;
export type RedeemLoyaltyPointsInput = z.input<typeof redeemInput>;

export interface LoyaltyChange {
  entry: LoyaltyEntryRow;
  account: LoyaltyAccountView;
}

/** A retry returns the first result; the same key with another request is refused. */
function replayOf(entry: LoyaltyEntryRow, customerId: string, signedPoints: number): Outcome<LoyaltyEntryRow> {
  if (entry.customerId !== customerId || entry.points !== signedPoints) {
    return fail(userError('IDEMPOTENCY_KEY_REUSED', 'This idempotency key was used for another request', ['input', 'idempotencyKey']));
  }
  return succeed(entry);
}

async function currentAccount(tx: CustomerDb, customerId: string): Promise<LoyaltyAccountView> {
  return toAccountView(customerId, await lockLoyaltyAccount(tx, customerId));
}

class Refused extends Error {
  constructor(readonly outcome: Outcome<never>) {
    super('refused');
  }
}

/**
 * Runs a balance change under the account's row lock: concurrent changes for one customer queue
 * behind it, and the idempotency key is checked again once the lock is held (a concurrent retry
 * of the same request has committed by then). An expected failure rolls everything back.
 */
async function underAccountLock(
  ctx: CustomerContext,
  customerId: string,
  key: string,
  signedPoints: number,
  change: (tx: CustomerDb, account: LoyaltyAccountRow) => Promise<LoyaltyEntryRow>,
): Promise<Outcome<LoyaltyChange>> {
  const earlier = await findEntryByIdempotencyKey(ctx.db, key);
  if (earlier) {
    const replay = replayOf(earlier, customerId, signedPoints);
    return replay.ok ? succeed({ entry: replay.value, account: await currentAccount(ctx.db, earlier.customerId) }) : replay;
  }
  try {
    const result = await ctx.db.transaction(async (tx) => {
      const account = await lockLoyaltyAccount(tx, customerId);
      const raced = await findEntryByIdempotencyKey(tx, key);
      if (raced) {
        const replay = replayOf(raced, customerId, signedPoints);
        if (!replay.ok) throw new Refused(replay);
        return { entry: replay.value, account: toAccountView(customerId, account) };
      }
      const entry = await change(tx, account);
      return { entry, account: await currentAccount(tx, customerId) };
    });
    ctx.loaders.loyaltyAccountByCustomerId.clear(customerId);
    return succeed(result);
  } catch (error) {
    if (error instanceof Refused) return error.outcome;
    throw error;
  }
}

export async function earnLoyaltyPoints(ctx: CustomerContext, rawInput: EarnLoyaltyPointsInput): Promise<Outcome<LoyaltyChange>> {
  requireCustomerWriter(ctx.caller, { allowService: true });
  const parsed = earnInput.safeParse(rawInput);
  if (!parsed.success) return fail(...userErrorsFromIssues(parsed.error.issues));
  const input = parsed.data;
  const target = ctx.caller.kind === 'service' ? await serviceTarget(ctx, input.customerId) : await targetCustomer(ctx, input.customerId, ['input', 'customerId']);
  if (!target.ok) return target;
  const expiresAt = input.expiresAt ?? new Date(Date.now() + LOYALTY_LOT_LIFETIME_MS);
  return underAccountLock(ctx, target.value, input.idempotencyKey, input.points, async (tx) => {
    const entry = await insertLoyaltyEntry(tx, {
      id: newId('loy'),
      customerId: target.value,
      kind: 'EARN',
      points: input.points,
      remaining: input.points,
      expiresAt,
      reason: input.reason,
      channel: ctx.caller.channel,
      idempotencyKey: input.idempotencyKey,
    });
    await changeBalance(tx, target.value, input.points, input.points);
    return entry;
  });
}

async function serviceTarget(ctx: CustomerContext, customerId: string): Promise<Outcome<string>> {
  const row = await ctx.loaders.customerById.load(customerId);
  return row ? succeed(row.id) : fail(userError('NOT_FOUND', 'No such customer', ['input', 'customerId']));
}

export async function redeemLoyaltyPoints(ctx: CustomerContext, rawInput: RedeemLoyaltyPointsInput): Promise<Outcome<LoyaltyChange>> {
  const parsed = redeemInput.safeParse(rawInput);
  if (!parsed.success) return fail(...userErrorsFromIssues(parsed.error.issues));
  const input = parsed.data;
  const target = await targetCustomer(ctx, input.customerId, ['input', 'customerId']);
  if (!target.ok) return target;
  return underAccountLock(ctx, target.value, input.idempotencyKey, -input.points, async (tx, account) => {
    // Lots expire lazily: what ran out is not spendable even before the expiry job wrote it off.
    const now = new Date();
    const lots = (await findOpenLots(tx, target.value)).filter((lot) => !lot.expiresAt || lot.expiresAt > now);
    const takes = account.balance >= input.points ? allocateRedemption(lots, input.points) : null;
    if (!takes) {
      throw new Refused(fail(userError('INVALID_STATE', `Not enough points: the balance is ${account.balance}`, ['input', 'points'])));
    }
    await takeFromLots(tx, takes);
    const entry = await insertLoyaltyEntry(tx, {
      id: newId('loy'),
      customerId: target.value,
      kind: 'REDEEM',
      points: -input.points,
      reason: input.reason,
      channel: ctx.caller.channel,
      idempotencyKey: input.idempotencyKey,
    });
    await changeBalance(tx, target.value, -input.points, 0);
    return entry;
  });
}

export async function expireLoyaltyPoints(ctx: CustomerContext, input: { customerId?: string | null }): Promise<Outcome<{ expiredPoints: number; customers: number }>> {
  if (ctx.caller.kind === 'service') requireInternalCall(ctx.caller);
  else if (ctx.caller.kind === 'anonymous') throw unauthenticated();
  else if (ctx.caller.kind !== 'admin') throw forbidden('Only admins can expire points');
  let only: string | null = null;
  // Omitting the id means every customer; an empty one is a client mistake, not that.
  if (input.customerId !== undefined && input.customerId !== null) {
    if (isBlankId(input.customerId)) return fail(userError('INVALID', 'customerId must not be empty', ['input', 'customerId']));
    const row = await ctx.loaders.customerById.load(input.customerId);
    if (!row) return fail(userError('NOT_FOUND', 'No such customer', ['input', 'customerId']));
    only = row.id;
  }
  const now = new Date();
  let expiredPoints = 0;
  let customers = 0;
  for (const customerId of await findCustomersWithExpiredLots(ctx.db, now, only)) {
    const expired = await ctx.db.transaction(async (tx) => {
      await lockLoyaltyAccount(tx, customerId);
      const amount = await emptyExpiredLots(tx, customerId, now);
      if (amount === 0) return 0;
      await insertLoyaltyEntry(tx, { id: newId('loy'), customerId, kind: 'EXPIRE', points: -amount, reason: 'points expired', channel: ctx.caller.channel });
      await changeBalance(tx, customerId, -amount, 0);
      return amount;
    });
    if (expired > 0) {
      expiredPoints += expired;
      customers += 1;
    }
  }
  return succeed({ expiredPoints, customers });
}
