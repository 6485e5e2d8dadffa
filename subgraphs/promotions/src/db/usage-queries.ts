import { and, asc, eq, inArray, or, sql, type SQL } from 'drizzle-orm';
import { isAnyOf, preparedOnce } from '@omni/db';
import type { PromotionsDb } from './database';
import { promotions, promotionUses, usageHolds, type PromotionUseRow, type UsageHoldRow, type UsageHoldStatus } from './schema';

/**
 * Expiry is judged by the database clock at the moment of the statement (`clock_timestamp()`,
 * not the transaction's start), so every replica agrees and a transaction that waited for a lock
 * judges with the time it got it.
 */
const DB_NOW = sql`clock_timestamp()`;

/**
 * Uses that count against limits: confirmed ones and pending ones not yet lapsed. The first
 * conjunct repeats the partial index's predicate so the planner can use it.
 */
export const countedUse: SQL = sql`(${promotionUses.status} in ('PENDING', 'CONFIRMED') and (${promotionUses.status} = 'CONFIRMED' or ${promotionUses.expiresAt} > clock_timestamp()))`;

/** The limits of the given promotions that have any, locked in id order so concurrent holds queue on them without deadlocking. */
export function lockLimitedPromotions(tx: PromotionsDb, ids: readonly string[]) {
  return tx
    .select({
      id: promotions.id,
      usageLimit: promotions.usageLimit,
      usageLimitPerCustomer: promotions.usageLimitPerCustomer,
      budgetMinor: promotions.budgetMinor,
    })
    .from(promotions)
    .where(
      and(
        inArray(promotions.id, [...ids]),
        or(sql`${promotions.usageLimit} is not null`, sql`${promotions.usageLimitPerCustomer} is not null`, sql`${promotions.budgetMinor} is not null`),
      ),
    )
    .orderBy(asc(promotions.id))
    .for('update');
}

export interface UsageCountRow {
  promotionId: string;
  /** Confirmed and live pending uses. */
  heldUses: number;
  heldMinor: number;
  /** Held uses of the given customer; 0 without one. */
  customerHeldUses: number;
  confirmedUses: number;
  confirmedMinor: number;
}

/** What counts against the limits of each given promotion, in one statement; promotions never used are missing. */
export function countUses(db: PromotionsDb, promotionIds: readonly string[], customerId: string | null): Promise<UsageCountRow[]> {
  const confirmed = sql`${promotionUses.status} = 'CONFIRMED'`;
  return db
    .select({
      promotionId: promotionUses.promotionId,
      heldUses: sql<number>`count(*)`.mapWith(Number),
      heldMinor: sql<number>`coalesce(sum(${promotionUses.discountMinor}), 0)`.mapWith(Number),
      customerHeldUses: (customerId === null
        ? sql<number>`0`
        : sql<number>`count(*) filter (where ${promotionUses.customerId} = ${customerId})`
      ).mapWith(Number),
      confirmedUses: sql<number>`count(*) filter (where ${confirmed})`.mapWith(Number),
      confirmedMinor: sql<number>`coalesce(sum(${promotionUses.discountMinor}) filter (where ${confirmed}), 0)`.mapWith(Number),
    })
    .from(promotionUses)
    .where(and(inArray(promotionUses.promotionId, [...promotionIds]), countedUse))
    .groupBy(promotionUses.promotionId);
}

export interface CustomerUsesRow {
  customerId: string;
  promotionId: string;
  uses: number;
}

/**
 * Confirmed and live pending uses of the given customers, per promotion, counting only active
 * promotions with a per-customer limit: what pricing needs to leave out a promotion a customer used
 * up, for every cart of a request in one statement.
 */
export function countCustomerUses(db: PromotionsDb, customerIds: readonly string[]): Promise<CustomerUsesRow[]> {
  return preparedOnce(db, 'customerUses', (on) =>
    on
      .select({
        customerId: sql<string>`${promotionUses.customerId}`,
        promotionId: promotionUses.promotionId,
        uses: sql<number>`count(*)`.mapWith(Number),
      })
      .from(promotionUses)
      .where(
        and(
          isAnyOf(promotionUses.customerId),
          countedUse,
          inArray(
            promotionUses.promotionId,
            on
              .select({ id: promotions.id })
              .from(promotions)
              .where(and(eq(promotions.status, 'ACTIVE'), sql`${promotions.usageLimitPerCustomer} is not null`)),
          ),
        ),
      )
      .groupBy(promotionUses.customerId, promotionUses.promotionId)
      .prepare('promotions_customer_uses'),
  ).execute({ keys: customerIds });
}

/** The hold a key names now: pending and not lapsed, or confirmed. */
export async function findLiveHoldByKey(db: PromotionsDb, service: string, holdKey: string): Promise<UsageHoldRow | null> {
  const [row] = await db
    .select()
    .from(usageHolds)
    .where(
      and(
        eq(usageHolds.service, service),
        eq(usageHolds.holdKey, holdKey),
        sql`(${usageHolds.status} = 'CONFIRMED' or (${usageHolds.status} = 'PENDING' and ${usageHolds.expiresAt} > ${DB_NOW}))`,
      ),
    );
  return row ?? null;
}

/**
 * What a key names now, in one statement: its live hold (pending and not lapsed, or confirmed),
 * and whether a pending hold of it lapsed (it still occupies the key until marked EXPIRED).
 */
export async function findHoldOfKey(db: PromotionsDb, service: string, holdKey: string): Promise<{ live: UsageHoldRow | null; lapsedPending: boolean }> {
  const rows = await preparedOnce(db, 'holdOfKey', (on) =>
    on
      .select({ hold: usageHolds, lapsed: sql<boolean>`${usageHolds.status} = 'PENDING' and ${usageHolds.expiresAt} <= ${DB_NOW}` })
      .from(usageHolds)
      .where(and(eq(usageHolds.service, sql.placeholder('service')), eq(usageHolds.holdKey, sql.placeholder('holdKey')), inArray(usageHolds.status, ['PENDING', 'CONFIRMED'])))
      .prepare('promotions_hold_of_key'),
  ).execute({ service, holdKey });
  const live = rows.find((row) => !row.lapsed)?.hold ?? null;
  return { live, lapsedPending: rows.some((row) => Boolean(row.lapsed)) };
}

/** A pending hold of this key that lapsed gives its key up, so the next attempt can hold anew. */
export async function expireLapsedHoldOfKey(tx: PromotionsDb, service: string, holdKey: string): Promise<void> {
  const lapsed = await tx
    .update(usageHolds)
    .set({ status: 'EXPIRED', updatedAt: new Date() })
    .where(and(eq(usageHolds.service, service), eq(usageHolds.holdKey, holdKey), eq(usageHolds.status, 'PENDING'), sql`${usageHolds.expiresAt} <= ${DB_NOW}`))
    .returning({ id: usageHolds.id });
  if (lapsed.length > 0) await setUsesStatus(tx, lapsed.map((hold) => hold.id), 'EXPIRED');
}

export async function insertHold(
  tx: PromotionsDb,
  hold: { id: string; service: string; holdKey: string; customerId: string | null; holdSeconds: number },
  uses: readonly { id: string; promotionId: string; couponCode: string | null; discountMinor: number }[],
): Promise<UsageHoldRow> {
  const [row] = await tx
    .insert(usageHolds)
    .values({
      id: hold.id,
      service: hold.service,
      holdKey: hold.holdKey,
      customerId: hold.customerId,
      status: 'PENDING',
      expiresAt: sql`${DB_NOW} + make_interval(secs => ${hold.holdSeconds})`,
    })
    .returning();
  if (!row) throw new Error('Hold insert returned no row');
  if (uses.length > 0) {
    await tx.insert(promotionUses).values(
      uses.map((use) => ({ ...use, holdId: row.id, customerId: hold.customerId, status: 'PENDING' as const, expiresAt: row.expiresAt })),
    );
  }
  return row;
}

/** A hold and its uses (in id order), read by one statement; null for an unknown hold. */
export async function findHoldWithUses(db: PromotionsDb, id: string): Promise<{ hold: UsageHoldRow; uses: PromotionUseRow[] } | null> {
  const rows = await preparedOnce(db, 'holdWithUses', (on) =>
    on
      .select({ hold: usageHolds, use: promotionUses })
      .from(usageHolds)
      .leftJoin(promotionUses, eq(promotionUses.holdId, usageHolds.id))
      .where(eq(usageHolds.id, sql.placeholder('id')))
      .orderBy(asc(promotionUses.id))
      .prepare('promotions_hold_with_uses'),
  ).execute({ id });
  const [first] = rows;
  if (!first) return null;
  return { hold: first.hold, uses: rows.flatMap((row) => (row.use ? [row.use] : [])) };
}

/** The hold, locked, and whether it lapsed by the database clock as of now. */
export async function lockHold(tx: PromotionsDb, id: string): Promise<(UsageHoldRow & { lapsed: boolean }) | null> {
  const [row] = await tx
    .select({ hold: usageHolds, lapsed: sql<boolean>`${usageHolds.expiresAt} <= ${DB_NOW}` })
    .from(usageHolds)
    .where(eq(usageHolds.id, id))
    .for('update');
  return row ? { ...row.hold, lapsed: Boolean(row.lapsed) } : null;
}

/** Moves a locked hold and its uses to `status` together, so counting the uses alone stays right. */
export async function setHoldStatus(tx: PromotionsDb, id: string, status: UsageHoldStatus, orderId: string | null = null): Promise<void> {
  await tx.update(usageHolds).set({ status, orderId, updatedAt: new Date() }).where(eq(usageHolds.id, id));
  await setUsesStatus(tx, [id], status);
}

async function setUsesStatus(tx: PromotionsDb, holdIds: readonly string[], status: UsageHoldStatus): Promise<void> {
  await tx.update(promotionUses).set({ status }).where(inArray(promotionUses.holdId, [...holdIds]));
}

/**
 * Marks up to `limit` lapsed pending holds EXPIRED. Counting already ignores them; this keeps the
 * pending index small and the table honest. Rows another transaction holds are skipped.
 */
export async function expireLapsedHolds(tx: PromotionsDb, limit: number): Promise<number> {
  const lapsed = await tx
    .select({ id: usageHolds.id })
    .from(usageHolds)
    .where(and(eq(usageHolds.status, 'PENDING'), sql`${usageHolds.expiresAt} <= ${DB_NOW}`))
    .orderBy(asc(usageHolds.expiresAt))
    .limit(limit)
    .for('update', { skipLocked: true });
  if (lapsed.length === 0) return 0;
  const ids = lapsed.map((hold) => hold.id);
  await tx.update(usageHolds).set({ status: 'EXPIRED', updatedAt: new Date() }).where(inArray(usageHolds.id, ids));
  await setUsesStatus(tx, ids, 'EXPIRED');
  return ids.length;
}
