import { and, asc, eq, getTableColumns, gt, inArray, isNull, or, sql, type SQL } from 'drizzle-orm';
import { isAnyOf, preparedOnce } from '@omni/db';
import type { PromotionsDb } from './database';
import { promotions, promotionUses, type NewPromotionRow, type PromotionRow, type PromotionStatus } from './schema';
import { countedUse } from './usage-queries';

export function findPromotionsByIds(db: PromotionsDb, ids: readonly string[]): Promise<PromotionRow[]> {
  return preparedOnce(db, 'promotionsByIds', (on) => on.select().from(promotions).where(isAnyOf(promotions.id)).prepare('promotions_promotions_by_ids')).execute({ keys: ids });
}

/** A live promotion with what counts against its total limit and budget (0 for promotions without either). */
export type LivePromotionRow = PromotionRow & { heldUses: number; heldMinor: number };

/**
 * Promotions every cart may get: not a personal offer's template (never priced itself) nor a
 * personal offer (priced only on carts carrying its code, see `findEnteredCodes`).
 */
const sharedPromotion = and(isNull(promotions.offerTrigger), isNull(promotions.ownerCustomerId));

const limitedByTotalOrBudget = sql`(${promotions.usageLimit} is not null or ${promotions.budgetMinor} is not null)`;
const usesOfPromotion = sql`${promotionUses.promotionId} = ${promotions.id} and ${countedUse}`;

/**
 * Active promotions of the given currencies that have not ended by `now`, with their confirmed and
 * pending uses, in one statement: pricing must leave spent promotions out without a second round
 * trip. Promotions that end are rarely archived at once, so filtering them here keeps pricing from
 * rereading history; the engine still checks the whole window itself.
 */
export function findLivePromotionsByCurrencies(db: PromotionsDb, currencyCodes: readonly string[], now: Date): Promise<LivePromotionRow[]> {
  const statement = preparedOnce(db, 'livePromotionsByCurrencies', (on) =>
    on
      .select({
        ...getTableColumns(promotions),
        // Only promotions with a total limit or a budget are counted; the others cost nothing here.
        heldUses: sql<number>`case when ${limitedByTotalOrBudget} then (select count(*) from ${promotionUses} where ${usesOfPromotion}) else 0 end`.mapWith(Number),
        heldMinor: sql<number>`case when ${limitedByTotalOrBudget} then (select coalesce(sum(${promotionUses.discountMinor}), 0) from ${promotionUses} where ${usesOfPromotion}) else 0 end`.mapWith(Number),
      })
      .from(promotions)
      .where(
        and(
          eq(promotions.status, 'ACTIVE'),
          isAnyOf(promotions.currencyCode),
          or(isNull(promotions.endsAt), gt(promotions.endsAt, sql.placeholder('now'))),
          sharedPromotion,
        ),
      )
      .orderBy(asc(promotions.id))
      .prepare('promotions_live_promotions_by_currencies'),
  );
  // As the column would encode the instant; a placeholder is handed to the driver as it is.
  return statement.execute({ keys: currencyCodes, now: now.toISOString() });
}

export interface PromotionListFilter {
  status?: PromotionStatus | null;
  /** Promotions that apply in this channel: scoped to it, or to every channel. */
  channel?: string | null;
}

/** One keyset page in creation order; returns up to `limit + 1` rows so the caller knows if more follow. */
export function listPromotions(
  db: PromotionsDb,
  filter: PromotionListFilter,
  page: { limit: number; after: string | null },
): Promise<PromotionRow[]> {
  // Personal offers are one customer's business, listed on `Customer.offers`; templates stay listed for admins.
  const conditions: SQL[] = [isNull(promotions.ownerCustomerId)];
  if (filter.status) conditions.push(eq(promotions.status, filter.status));
  if (filter.channel) {
    conditions.push(sql`(cardinality(${promotions.channels}) = 0 or ${filter.channel} = any(${promotions.channels}))`);
  }
  if (page.after) conditions.push(gt(promotions.id, page.after));
  return db
    .select()
    .from(promotions)
    .where(and(...conditions))
    .orderBy(asc(promotions.id))
    .limit(page.limit + 1);
}

export async function insertPromotion(db: PromotionsDb, row: NewPromotionRow): Promise<PromotionRow> {
  const [inserted] = await db.insert(promotions).values(row).returning();
  return inserted!;
}

/**
 * Archived is final: the condition lives in the UPDATE itself, so a concurrent archive can never
 * be undone by a status change that read the row a moment earlier. Returns null when nothing
 * matched (missing or archived).
 */
export async function updatePromotionStatus(db: PromotionsDb, id: string, status: PromotionStatus): Promise<PromotionRow | null> {
  const [row] = await db
    .update(promotions)
    .set({ status, updatedAt: new Date() })
    .where(and(eq(promotions.id, id), or(sql`${promotions.status} <> 'ARCHIVED'`, eq(promotions.status, status))))
    .returning();
  return row ?? null;
}

/**
 * Saves new terms and rules of a promotion. Archived is final: the condition lives in the UPDATE,
 * so a concurrent archive wins. Returns null when nothing matched (missing or archived).
 */
export async function updatePromotionRules(
  db: PromotionsDb,
  id: string,
  values: Pick<NewPromotionRow, 'name' | 'description' | 'channels' | 'startsAt' | 'endsAt' | 'rules' | 'kind' | 'percentOff' | 'amountOffMinor' | 'minimumSubtotalMinor'>,
): Promise<PromotionRow | null> {
  const [row] = await db
    .update(promotions)
    .set({ ...values, updatedAt: new Date() })
    .where(and(eq(promotions.id, id), sql`${promotions.status} <> 'ARCHIVED'`))
    .returning();
  return row ?? null;
}

/** Active promotions of every currency that have not ended by `now`: the candidates for badges. */
export function findRunningPromotions(db: PromotionsDb, now: Date): Promise<PromotionRow[]> {
  return db
    .select()
    .from(promotions)
    .where(and(eq(promotions.status, 'ACTIVE'), or(isNull(promotions.endsAt), gt(promotions.endsAt, now)), sharedPromotion))
    .orderBy(asc(promotions.id));
}
