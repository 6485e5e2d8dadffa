import { z } from 'zod';
import { CHANNELS } from '@omni/auth';
import { newId } from '@omni/db';
import type { DomainEvent } from '@omni/events';
import { currencyExponent } from '@omni/graphql';
import type { CustomerDb } from '../db/database';
import { resolveCustomerId } from '../db/customer-queries';
import { claimLoyaltyReturn, lockLoyaltyOrder, updateLoyaltyOrder, updateLoyaltyReturn } from '../db/loyalty-order-queries';
import { changeBalance, findOpenLots, insertLoyaltyEntry, lockCurrentLoyaltyAccount, takeFromLots } from '../db/loyalty-queries';
import { allocateReversal, pointsEarnedForOrder, pointsToReverse } from './loyalty-earn-rules';
import { LOYALTY_LOT_LIFETIME_MS } from './loyalty-service';

const channel = z.enum(CHANNELS).catch('WEB');
const currencyCode = z.string().regex(/^[A-Z]{3}$/);
const minor = z.int().nonnegative().max(Number.MAX_SAFE_INTEGER);
const points = z.int().nonnegative().max(2_000_000_000);

/** `order.placed` as loyalty reads it; the points fields came later, so older events lack them. */
const orderPlacedPayload = z.object({
  orderId: z.string().min(1),
  customerId: z.string().min(1),
  channel,
  totalMinor: minor,
  currencyCode,
  loyaltyPointsPaid: points.optional(),
  moneyPaidMinor: minor.optional(),
});

/** `order.returned`: a return of some units of an order, with what was refunded for them. */
const orderReturnedPayload = z.object({
  orderId: z.string().min(1),
  returnId: z.string().min(1),
  customerId: z.string().min(1),
  channel,
  refundMinor: minor,
  currencyCode,
  refundMoneyMinor: minor.optional(),
  refundPoints: points.optional(),
});

/**
 * Takes back up to `due` points for a return (the order's own lot first), never below zero: what
 * the balance no longer holds is forgiven and recorded on the entry. Tiers follow lifetime points,
 * so the whole `due` leaves them: points earned on returned goods were never really earned.
 * Run under the account lock.
 */
async function reverseEarnedPoints(tx: CustomerDb, customerId: string, due: number, order: { orderId: string; channel: string; reason: string }) {
  const account = await lockCurrentLoyaltyAccount(tx, customerId);
  const lots = await findOpenLots(tx, customerId);
  const { takes, reversed, unreversed } = allocateReversal(lots, due, order.orderId, account.balance);
  await takeFromLots(tx, takes);
  await insertLoyaltyEntry(tx, {
    id: newId('loy'),
    customerId,
    kind: 'RETURN_REVERSAL',
    points: -reversed,
    unreversedPoints: unreversed,
    reason: order.reason,
    channel: order.channel,
    orderId: order.orderId,
  });
  await changeBalance(tx, customerId, -reversed, -due);
  return { reversed, unreversed };
}

/**
 * Points for a placed order, once per order however often (and under whatever event id) it is
 * delivered: `pointsPerUnit` per whole currency unit paid in money, as a lot with the usual
 * lifetime from the order's time. Orders of guests have no customer here and earn nothing. When
 * returns of the order arrived first, what they refunded is taken back at once.
 */
export async function earnForPlacedOrder(tx: CustomerDb, event: DomainEvent, orderCustomerId: string, pointsPerUnit: number): Promise<void> {
  const parsed = orderPlacedPayload.safeParse(event.payload);
  if (!parsed.success) return;
  const payload = parsed.data;
  const order = await lockLoyaltyOrder(tx, { orderId: payload.orderId, customerId: payload.customerId, currencyCode: payload.currencyCode });
  if (order.placedAt) return;
  const moneyPaidMinor = payload.moneyPaidMinor ?? payload.totalMinor;
  const earnedPoints = pointsEarnedForOrder(moneyPaidMinor, currencyExponent(payload.currencyCode), pointsPerUnit);
  const { customerId } = await lockCurrentLoyaltyAccount(tx, orderCustomerId);
  if (earnedPoints > 0) {
    await insertLoyaltyEntry(tx, {
      id: newId('loy'),
      customerId,
      kind: 'EARN',
      points: earnedPoints,
      remaining: earnedPoints,
      expiresAt: new Date(event.occurredAt.getTime() + LOYALTY_LOT_LIFETIME_MS),
      reason: `order ${payload.orderId}`,
      channel: payload.channel,
      orderId: payload.orderId,
    });
    await changeBalance(tx, customerId, earnedPoints, earnedPoints);
  }
  const early = pointsToReverse({ earnedPoints, moneyPaidMinor, refundedMoneyMinor: 0, reversedPoints: 0 }, order.refundedMoneyMinor);
  if (early.points > 0) {
    await reverseEarnedPoints(tx, customerId, early.points, { orderId: payload.orderId, channel: payload.channel, reason: `returns of order ${payload.orderId}` });
  }
  await updateLoyaltyOrder(tx, payload.orderId, {
    placedAt: event.occurredAt,
    moneyPaidMinor,
    pointsPaid: payload.loyaltyPointsPaid ?? 0,
    earnedPoints,
    reversedPoints: early.points,
  });
}

/**
 * A return, once per return id: first the points the shopper paid with for the returned units
 * come back (a new lot with the usual lifetime), then the order's earned points are taken back in
 * proportion to the money refunded so far. Crediting first lets the reversal come out of the
 * points given back before anything has to be forgiven.
 */
export async function applyOrderReturnToLoyalty(tx: CustomerDb, event: DomainEvent): Promise<void> {
  const parsed = orderReturnedPayload.safeParse(event.payload);
  if (!parsed.success) return;
  const payload = parsed.data;
  if (!(await resolveCustomerId(tx, payload.customerId))) return;
  const refundMoneyMinor = payload.refundMoneyMinor ?? payload.refundMinor;
  const refundPoints = payload.refundPoints ?? 0;
  const order = await lockLoyaltyOrder(tx, { orderId: payload.orderId, customerId: payload.customerId, currencyCode: payload.currencyCode });
  const fresh = await claimLoyaltyReturn(tx, { returnId: payload.returnId, orderId: payload.orderId, refundMoneyMinor, refundPoints, reversedPoints: 0, unreversedPoints: 0 });
  if (!fresh) return;
  const { customerId } = await lockCurrentLoyaltyAccount(tx, payload.customerId);
  if (refundPoints > 0) {
    await insertLoyaltyEntry(tx, {
      id: newId('loy'),
      customerId,
      kind: 'RETURN_REFUND',
      points: refundPoints,
      remaining: refundPoints,
      expiresAt: new Date(Date.now() + LOYALTY_LOT_LIFETIME_MS),
      reason: `return ${payload.returnId} of order ${payload.orderId}`,
      channel: payload.channel,
      orderId: payload.orderId,
    });
    await changeBalance(tx, customerId, refundPoints, 0);
  }
  // Before the placement arrived nothing was earned yet: the refund is remembered and the
  // placement takes it back.
  const due = order.placedAt ? pointsToReverse(order, refundMoneyMinor) : { points: 0, refundedMoneyMinor: order.refundedMoneyMinor + refundMoneyMinor };
  let outcome = { reversed: 0, unreversed: 0 };
  if (due.points > 0) {
    outcome = await reverseEarnedPoints(tx, customerId, due.points, { orderId: payload.orderId, channel: payload.channel, reason: `return ${payload.returnId} of order ${payload.orderId}` });
  }
  await updateLoyaltyOrder(tx, payload.orderId, { refundedMoneyMinor: due.refundedMoneyMinor, reversedPoints: order.reversedPoints + due.points });
  await updateLoyaltyReturn(tx, payload.returnId, { reversedPoints: outcome.reversed, unreversedPoints: outcome.unreversed });
}
