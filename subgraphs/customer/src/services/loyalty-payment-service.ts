import { z } from 'zod';
import type { Caller } from '@omni/auth';
import { isIdOf, newId } from '@omni/db';
import { badUserInput, fail, forbidden, isUsableIdempotencyKey, requireInternalCall, succeed, UNUSABLE_IDEMPOTENCY_KEY, userError, type Outcome, type UserError } from '@omni/graphql';
import type { CustomerContext } from '../context';
import type { CustomerDb } from '../db/database';
import { resolveCustomerId } from '../db/customer-queries';
import { changeBalance, findLoyaltyAccounts, findOpenLots, giveBackToLots, insertLoyaltyEntry, lockCurrentLoyaltyAccount, takeFromLots } from '../db/loyalty-queries';
import { claimLoyaltyPayment, findLoyaltyEntriesByIds, findLoyaltyPayment, lockLoyaltyPayment, updateLoyaltyPayment } from '../db/loyalty-payment-queries';
import type { LoyaltyEntryRow, LoyaltyPaymentRow } from '../db/schema';
import { toAccountView, type LoyaltyAccountView } from './loyalty-service';
import { allocateRedemption } from './loyalty-tiers';

/** Only the checkout saga pays with points; payments and their keys belong to the service that made them. */
const PAYING_SERVICES = new Set(['cart']);

function requirePayingService(caller: Caller): string {
  requireInternalCall(caller);
  if (!caller.service || !PAYING_SERVICES.has(caller.service)) throw forbidden('Only the checkout pays with loyalty points');
  return caller.service;
}

const idempotencyKey = z.string().min(8, 'must be at least 8 characters').max(100, 'must be at most 100 characters').refine(isUsableIdempotencyKey, UNUSABLE_IDEMPOTENCY_KEY);
const payInput = z.object({
  customerId: z.string().trim().min(1, 'must not be empty').max(100),
  points: z.int('must be a whole number').min(1, 'must be at least 1').max(100_000_000, 'must be at most 100,000,000'),
  idempotencyKey,
  orderReference: z.string().trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters').nullish(),
});
const refundInput = z.object({ idempotencyKey });
export type PayWithLoyaltyPointsInput = z.input<typeof payInput>;
export type RefundLoyaltyPaymentInput = z.input<typeof refundInput>;

/** The saga sends well-formed requests; anything else is a bug on its side, not a shopper's mistake. */
function parse<T>(schema: z.ZodType<T>, raw: unknown): T {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw badUserInput(`Invalid input: ${parsed.error.issues.map((issue) => `${['input', ...issue.path].join('.')} ${issue.message}`).join('; ')}`);
  return parsed.data;
}

export interface LoyaltyPaymentView {
  idempotencyKey: string;
  customerId: string;
  points: number;
  orderReference: string | null;
  status: 'PAID' | 'REFUNDED';
  entry: LoyaltyEntryRow;
  refundEntry: LoyaltyEntryRow | null;
}

export interface LoyaltyPaymentResult {
  /** Null when a refund found no payment with its key. */
  payment: LoyaltyPaymentView | null;
  account: LoyaltyAccountView | null;
}

class PaymentRefused extends Error {
  constructor(readonly userError: UserError) {
    super(userError.message);
  }
}

async function viewOf(db: CustomerDb, row: LoyaltyPaymentRow): Promise<LoyaltyPaymentResult> {
  const customerId = (await resolveCustomerId(db, row.customerId!)) ?? row.customerId!;
  const entries = await findLoyaltyEntriesByIds(db, [row.paymentEntryId, row.refundEntryId].filter((id): id is string => id !== null));
  const entry = entries.find((candidate) => candidate.id === row.paymentEntryId)!;
  const refundEntry = entries.find((candidate) => candidate.id === row.refundEntryId) ?? null;
  const payment: LoyaltyPaymentView = {
    idempotencyKey: row.idempotencyKey,
    customerId,
    points: row.points,
    orderReference: row.orderReference,
    status: row.status === 'REFUNDED' ? 'REFUNDED' : 'PAID',
    entry,
    refundEntry,
  };
  const [account] = await findLoyaltyAccounts(db, [customerId]);
  return { payment, account: toAccountView(customerId, account ?? null) };
}

/** A retry returns the first result; the key with another request, or after its refund came first, is refused. */
async function replay(db: CustomerDb, row: LoyaltyPaymentRow, customerId: string, points: number): Promise<Outcome<LoyaltyPaymentResult>> {
  if (row.status === 'VOIDED') {
    return fail(userError('INVALID_STATE', 'A refund with this idempotency key came first, so nothing is paid with it; pay with a new key', ['input', 'idempotencyKey']));
  }
  const paidBy = row.customerId ? await resolveCustomerId(db, row.customerId) : null;
  if (row.points !== points || paidBy !== customerId) {
    return fail(userError('IDEMPOTENCY_KEY_REUSED', 'This idempotency key was used for another payment', ['input', 'idempotencyKey']));
  }
  return succeed(await viewOf(db, row));
}

/**
 * Internal, for the checkout saga: spends points towards an order, from the lots expiring first
 * (expired lots are not spendable, like in `redeemLoyaltyPoints`). The key is claimed first, then
 * the account is locked (the order refunds take them in too, so the two never wait on each other
 * in a cycle): a retry or a refund of the same key queues behind the payment, and concurrent
 * payments of one customer queue on the account lock and never overspend.
 */
export async function payWithLoyaltyPoints(ctx: CustomerContext, rawInput: PayWithLoyaltyPointsInput): Promise<Outcome<LoyaltyPaymentResult>> {
  const service = requirePayingService(ctx.caller);
  const input = parse(payInput, rawInput);
  const customerId = await resolveCustomerId(ctx.db, input.customerId);
  if (!customerId) return fail(userError('NOT_FOUND', 'No such customer', ['input', 'customerId']));
  const earlier = await findLoyaltyPayment(ctx.db, service, input.idempotencyKey);
  if (earlier) return replay(ctx.db, earlier, customerId, input.points);
  const orderReference = input.orderReference ?? null;
  try {
    const paid = await ctx.db.transaction(async (tx) => {
      const claimed = await claimLoyaltyPayment(tx, { service, idempotencyKey: input.idempotencyKey, customerId, points: input.points, orderReference, status: 'PAID' });
      if (!claimed) return null;
      const account = await lockCurrentLoyaltyAccount(tx, customerId);
      const payer = account.customerId;
      const now = new Date();
      const lots = (await findOpenLots(tx, payer)).filter((lot) => !lot.expiresAt || lot.expiresAt > now);
      const takes = account.balance >= input.points ? allocateRedemption(lots, input.points) : null;
      if (!takes) throw new PaymentRefused(userError('INSUFFICIENT_POINTS', `Not enough points: the balance is ${account.balance}`, ['input', 'points']));
      await takeFromLots(tx, takes);
      const entry = await insertLoyaltyEntry(tx, {
        id: newId('loy'),
        customerId: payer,
        kind: 'PAYMENT',
        points: -input.points,
        reason: orderReference ? `paid towards ${orderReference}` : 'paid at checkout',
        channel: ctx.caller.channel,
        orderId: orderReference && isIdOf('ord', orderReference) ? orderReference : null,
      });
      await changeBalance(tx, payer, -input.points, 0);
      return updateLoyaltyPayment(tx, service, input.idempotencyKey, { takes: takes.map((take) => ({ lotId: take.id, points: take.take })), paymentEntryId: entry.id });
    });
    ctx.loaders.loyaltyAccountByCustomerId.clear(customerId);
    // Null: the same key committed first while this request waited on it.
    const row = paid ?? (await findLoyaltyPayment(ctx.db, service, input.idempotencyKey));
    return paid ? succeed(await viewOf(ctx.db, paid)) : replay(ctx.db, row!, customerId, input.points);
  } catch (error) {
    if (error instanceof PaymentRefused) return fail(error.userError);
    throw error;
  }
}

/**
 * Internal, for the checkout saga to call on any failure: gives back the points paid with the key
 * into the lots they came from, so they keep their own expiry. Refunding twice gives back once. A
 * key without a payment is not an error: nothing changes, and the key is marked so a payment with
 * it still in flight is refused instead of landing after the refund.
 */
export async function refundLoyaltyPayment(ctx: CustomerContext, rawInput: RefundLoyaltyPaymentInput): Promise<Outcome<LoyaltyPaymentResult>> {
  const service = requirePayingService(ctx.caller);
  const input = parse(refundInput, rawInput);
  const row = await ctx.db.transaction(async (tx) => {
    const voided = await claimLoyaltyPayment(tx, { service, idempotencyKey: input.idempotencyKey, status: 'VOIDED' });
    if (voided) return null;
    const payment = (await lockLoyaltyPayment(tx, service, input.idempotencyKey))!;
    if (payment.status !== 'PAID') return payment;
    const { customerId } = await lockCurrentLoyaltyAccount(tx, payment.customerId!);
    await giveBackToLots(tx, payment.takes);
    const entry = await insertLoyaltyEntry(tx, {
      id: newId('loy'),
      customerId,
      kind: 'PAYMENT_REFUND',
      points: payment.points,
      reason: payment.orderReference ? `payment towards ${payment.orderReference} undone` : 'checkout payment undone',
      channel: ctx.caller.channel,
      orderId: payment.orderReference && isIdOf('ord', payment.orderReference) ? payment.orderReference : null,
    });
    await changeBalance(tx, customerId, payment.points, 0);
    ctx.loaders.loyaltyAccountByCustomerId.clear(customerId);
    return updateLoyaltyPayment(tx, service, input.idempotencyKey, { status: 'REFUNDED', refundEntryId: entry.id, refundedAt: new Date() });
  });
  if (!row || row.status === 'VOIDED') return succeed({ payment: null, account: null });
  return succeed(await viewOf(ctx.db, row));
}
