import { and, asc, eq, inArray, or, sql, type SQL } from 'drizzle-orm';
import { isAnyOf, preparedOnce } from '@omni/db';
import type { PromotionsDb } from './database';
import { couponCodes, promotions, promotionUses, usageHolds, type PromotionUseRow, type UsageHoldRow, type UsageHoldStatus } from './schema';

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

/** Promotions with any usage limit; the limits never change after creation. */
const hasLimits = sql`(${promotions.usageLimit} is not null or ${promotions.usageLimitPerCustomer} is not null or ${promotions.budgetMinor} is not null)`;

/** A single-row source for statements made only of subqueries. */
const ONE_ROW = sql`(select 1) as one_row`;

/** Arrays come back parsed from both drivers; `array(…)` of no rows is an empty one. */
const asArray = (value: unknown): string[] => (Array.isArray(value) ? (value as string[]) : []);

/** What a hold request needs to know before its transaction, read by `findHoldPreflight`. */
export interface HoldPreflight {
  /** The key's live hold: pending and not lapsed, or confirmed. */
  liveHoldId: string | null;
  /** A pending hold of the key lapsed (it still occupies the key until marked EXPIRED). */
  lapsedPending: boolean;
  /** The given promotions that exist. */
  knownPromotionIds: string[];
  /** The given promotions with a usage limit or budget, in id order: the ones a hold locks. */
  limitedPromotionIds: string[];
  /** The given codes that exist without a limit of their own: no lock or count needed for them. */
  unlimitedCodes: string[];
}

/**
 * Everything a hold request reads before its transaction, in one statement: what its key names
 * now, which of its promotions exist and which have limits, and which of its (normalized) codes
 * need no lock. Limits of promotions and codes are set when they are created and never change, so
 * knowing them before the locks is safe; codes unknown here are locked and counted as before.
 */
export async function findHoldPreflight(
  db: PromotionsDb,
  service: string,
  holdKey: string,
  promotionIds: readonly string[],
  codes: readonly string[],
): Promise<HoldPreflight> {
  const [row] = await preparedOnce(db, 'holdPreflight', (on) => {
    const ofKey = and(eq(usageHolds.service, sql.placeholder('service')), eq(usageHolds.holdKey, sql.placeholder('holdKey')), inArray(usageHolds.status, ['PENDING', 'CONFIRMED']));
    const given = isAnyOf(promotions.id, 'promotionIds');
    return on
      .select({
        liveHoldId: sql<string | null>`(select ${usageHolds.id} from ${usageHolds} where ${ofKey} and (${usageHolds.status} = 'CONFIRMED' or ${usageHolds.expiresAt} > ${DB_NOW}) limit 1)`,
        lapsedPending: sql<boolean>`exists (select from ${usageHolds} where ${ofKey} and ${usageHolds.status} = 'PENDING' and ${usageHolds.expiresAt} <= ${DB_NOW})`,
        knownPromotionIds: sql<string[]>`array(select ${promotions.id} from ${promotions} where ${given})`.mapWith(asArray),
        limitedPromotionIds: sql<string[]>`array(select ${promotions.id} from ${promotions} where ${given} and ${hasLimits} order by ${promotions.id})`.mapWith(asArray),
        unlimitedCodes: sql<string[]>`array(select ${couponCodes.code} from ${couponCodes} where ${isAnyOf(couponCodes.code, 'codes')} and ${couponCodes.usageLimit} is null)`.mapWith(asArray),
      })
      .from(ONE_ROW)
      .prepare('promotions_hold_preflight');
  }).execute({ service, holdKey, promotionIds, codes });
  if (!row) throw new Error('Hold preflight returned no row');
  return { ...row, lapsedPending: Boolean(row.lapsedPending) };
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

/**
 * Inserts a pending hold and its uses in one statement (the uses copy the hold's expiry). A hold
 * of the same live key inserted meanwhile makes it fail on the key's unique index, uses and all.
 */
export async function insertHoldWithUses(
  db: PromotionsDb,
  hold: { id: string; service: string; holdKey: string; customerId: string | null; holdSeconds: number },
  uses: readonly { id: string; promotionId: string; couponCode: string | null; discountMinor: number }[],
): Promise<void> {
  await preparedOnce(db, 'insertHoldWithUses', (on) => {
    const inserted = on.$with('inserted_hold').as(
      on
        .insert(usageHolds)
        .values({
          id: sql.placeholder('id'),
          service: sql.placeholder('service'),
          holdKey: sql.placeholder('holdKey'),
          customerId: sql.placeholder('customerId'),
          status: 'PENDING',
          expiresAt: sql`${DB_NOW} + make_interval(secs => ${sql.placeholder('holdSeconds')})`,
        })
        .returning({ id: usageHolds.id, expiresAt: usageHolds.expiresAt }),
    );
    // The uses travel as one JSON array, so the statement's text is the same for any number of them.
    return on
      .with(inserted)
      .insert(promotionUses)
      .select(
        sql`select requested.id, inserted_hold.id, requested.promotion_id, ${sql.placeholder('customerId')}, requested.coupon_code, requested.discount_minor, 'PENDING', inserted_hold.expires_at
          from inserted_hold, json_to_recordset(${sql.placeholder('uses')}::json) as requested(id text, promotion_id text, coupon_code text, discount_minor bigint)`,
      )
      .prepare('promotions_insert_hold_with_uses');
  }).execute({
    id: hold.id,
    service: hold.service,
    holdKey: hold.holdKey,
    customerId: hold.customerId,
    holdSeconds: hold.holdSeconds,
    uses: JSON.stringify(uses.map((use) => ({ id: use.id, promotion_id: use.promotionId, coupon_code: use.couponCode, discount_minor: use.discountMinor }))),
  });
}

/** What counts against a hold's limited promotions and codes, read after their locks. */
export interface CountsUnderLock {
  promotions: { promotionId: string; heldUses: number; heldMinor: number; customerHeldUses: number }[];
  codes: { code: string; uses: number }[];
  /** A live hold of the request's key committed meanwhile (a replay that got the locks first). */
  liveHoldId: string | null;
}

const parsedJson = <T>(value: unknown): T => (typeof value === 'string' ? JSON.parse(value) : value) as T;

/**
 * After a hold's locks: the uses counting against the limited promotions (in total, by the
 * customer, the discount given) and against the limited codes, and the key's live hold, in one
 * statement. It must be a statement of its own after the locking ones: under read committed each
 * statement sees what committed before it started, so only a statement begun after the locks were
 * granted sees the uses of the transactions it queued behind.
 */
export async function countUnderLock(
  tx: PromotionsDb,
  query: { promotionIds: readonly string[]; customerId: string | null; codes: readonly string[]; service: string; holdKey: string },
): Promise<CountsUnderLock> {
  const byPromotion = sql`select ${promotionUses.promotionId} as "promotionId", count(*) as "heldUses", coalesce(sum(${promotionUses.discountMinor}), 0) as "heldMinor",
      count(*) filter (where ${promotionUses.customerId} = ${query.customerId}) as "customerHeldUses"
    from ${promotionUses} where ${promotionUses.promotionId} = any(${sql.param([...query.promotionIds])}) and ${countedUse} group by ${promotionUses.promotionId}`;
  const byCode = sql`select ${promotionUses.couponCode} as "code", count(*) as "uses"
    from ${promotionUses} where ${promotionUses.couponCode} = any(${sql.param([...query.codes])}) and ${countedUse} group by ${promotionUses.couponCode}`;
  const [row] = await tx
    .select({
      promotions: sql`(select coalesce(json_agg(counted), '[]') from (${byPromotion}) as counted)`.mapWith(parsedJson<CountsUnderLock['promotions']>),
      codes: sql`(select coalesce(json_agg(counted), '[]') from (${byCode}) as counted)`.mapWith(parsedJson<CountsUnderLock['codes']>),
      liveHoldId: sql<string | null>`(select ${usageHolds.id} from ${usageHolds}
        where ${usageHolds.service} = ${query.service} and ${usageHolds.holdKey} = ${query.holdKey} and ${usageHolds.status} in ('PENDING', 'CONFIRMED')
          and (${usageHolds.status} = 'CONFIRMED' or ${usageHolds.expiresAt} > ${DB_NOW}) limit 1)`,
    })
    .from(ONE_ROW);
  if (!row) throw new Error('Counting under lock returned no row');
  // Counts and sums arrive as JSON numbers; Number() keeps them numbers whatever the driver did.
  return {
    promotions: row.promotions.map((count) => ({
      promotionId: count.promotionId,
      heldUses: Number(count.heldUses),
      heldMinor: Number(count.heldMinor),
      customerHeldUses: Number(count.customerHeldUses),
    })),
    codes: row.codes.map((count) => ({ code: count.code, uses: Number(count.uses) })),
    liveHoldId: row.liveHoldId,
  };
}

/**
 * Moves a pending hold and its uses to `status` in one statement; true when it did. With
 * `liveOnly` a lapsed hold is left alone. The caller's statement name tells the shapes apart.
 */
function movePendingHold(db: PromotionsDb, name: string, status: 'CONFIRMED' | 'RELEASED', liveOnly: boolean, values: { id: string; service: string; orderId?: string }) {
  return preparedOnce(db, name, (on) => {
    const moved = on.$with('moved_hold').as(
      on
        .update(usageHolds)
        .set({ status, ...(values.orderId !== undefined ? { orderId: sql`${sql.placeholder('orderId')}` } : {}), updatedAt: sql`${sql.placeholder('now')}` })
        .where(
          and(
            eq(usageHolds.id, sql.placeholder('id')),
            eq(usageHolds.service, sql.placeholder('service')),
            eq(usageHolds.status, 'PENDING'),
            liveOnly ? sql`${usageHolds.expiresAt} > ${DB_NOW}` : undefined,
          ),
        )
        .returning({ id: usageHolds.id }),
    );
    const movedUses = on.$with('moved_uses').as(
      on
        .update(promotionUses)
        .set({ status })
        .where(sql`${promotionUses.holdId} in (select id from moved_hold)`)
        .returning({ id: promotionUses.id }),
    );
    return on.with(moved, movedUses).select({ id: moved.id }).from(moved).prepare(name);
  })
    .execute({ ...values, now: new Date().toISOString() })
    .then((rows) => rows.length > 0);
}

/**
 * Confirms a hold that is still pending and not lapsed, with its uses, in one statement; true when
 * it did. Its uses counted already, so confirming changes no count and takes no promotion lock;
 * anything else (confirmed before, lapsed, released, unknown, another service's) is false here and
 * left to the checked path.
 */
export function confirmLiveHold(db: PromotionsDb, id: string, service: string, orderId: string): Promise<boolean> {
  return movePendingHold(db, 'promotions_confirm_live_hold', 'CONFIRMED', true, { id, service, orderId });
}

/**
 * Releases a pending hold (lapsed or not) with its uses, in one statement; true when it did.
 * Releasing only lowers the counts, so it takes no promotion lock; anything else (released or
 * confirmed before, unknown, another service's) is false here and left to the checked path.
 */
export function releasePendingHold(db: PromotionsDb, id: string, service: string): Promise<boolean> {
  return movePendingHold(db, 'promotions_release_pending_hold', 'RELEASED', false, { id, service });
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
 * Marks up to `limit` lapsed pending holds EXPIRED, with their uses, in one statement. Counting
 * already ignores them; this keeps the pending index small and the table honest. Rows another
 * transaction holds are skipped.
 */
export async function expireLapsedHolds(db: PromotionsDb, limit: number): Promise<number> {
  const rows = await preparedOnce(db, 'expireLapsedHolds', (on) => {
    const lapsed = on.$with('lapsed_holds').as(
      on
        .select({ id: usageHolds.id })
        .from(usageHolds)
        .where(and(eq(usageHolds.status, 'PENDING'), sql`${usageHolds.expiresAt} <= ${DB_NOW}`))
        .orderBy(asc(usageHolds.expiresAt))
        .limit(sql.placeholder('limit'))
        .for('update', { skipLocked: true }),
    );
    const expired = on.$with('expired_holds').as(
      on
        .update(usageHolds)
        .set({ status: 'EXPIRED', updatedAt: sql`${sql.placeholder('now')}` })
        .where(sql`${usageHolds.id} in (select id from lapsed_holds)`)
        .returning({ id: usageHolds.id }),
    );
    const expiredUses = on.$with('expired_uses').as(
      on
        .update(promotionUses)
        .set({ status: 'EXPIRED' })
        .where(sql`${promotionUses.holdId} in (select id from expired_holds)`)
        .returning({ id: promotionUses.id }),
    );
    return on.with(lapsed, expired, expiredUses).select({ id: expired.id }).from(expired).prepare('promotions_expire_lapsed_holds');
  }).execute({ limit, now: new Date().toISOString() });
  return rows.length;
}
