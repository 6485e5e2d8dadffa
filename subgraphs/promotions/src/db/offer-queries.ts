import { and, asc, desc, eq, getTableColumns, inArray, isNotNull, or, sql } from 'drizzle-orm';
import { isAnyOf, preparedOnce } from '@omni/db';
import type { PromotionsDb } from './database';
import { couponCodes, customerAliases, personalOffers, promotions, promotionUses, type CouponCodeRow, type OfferTrigger, type PersonalOfferRow, type PromotionRow } from './schema';
import { countedUse } from './usage-queries';
import type { LivePromotionRow } from './promotion-queries';

export type NewPersonalOfferRow = typeof personalOffers.$inferInsert;

/** The active template of a trigger; the unique index allows one at most. */
export async function findActiveTemplate(db: PromotionsDb, trigger: OfferTrigger): Promise<PromotionRow | null> {
  const [row] = await db
    .select()
    .from(promotions)
    .where(and(eq(promotions.offerTrigger, trigger), eq(promotions.status, 'ACTIVE')));
  return row ?? null;
}

/** The active template of `trigger` other than `exceptId`, to refuse a second one with a clear error. */
export async function findOtherActiveTemplate(db: PromotionsDb, trigger: OfferTrigger, exceptId: string | null): Promise<PromotionRow | null> {
  const template = await findActiveTemplate(db, trigger);
  return template && template.id !== exceptId ? template : null;
}

/**
 * The offer already issued for this (customer, trigger, product), if any: issued to them, or
 * issued to a record merged into them since (they are one person, who gets the offer once).
 */
export async function findIssuedOffer(db: PromotionsDb, customerId: string, trigger: OfferTrigger, productId: string | null): Promise<PersonalOfferRow | null> {
  const [row] = await db
    .select()
    .from(personalOffers)
    .where(
      and(
        or(eq(personalOffers.issuedToCustomerId, customerId), eq(personalOffers.customerId, customerId)),
        eq(personalOffers.trigger, trigger),
        sql`coalesce(${personalOffers.productId}, '') = ${productId ?? ''}`,
      ),
    );
  return row ?? null;
}

/** Inserts the offer unless one was issued for the same key meanwhile; true when inserted. */
export async function insertPersonalOffer(tx: PromotionsDb, row: NewPersonalOfferRow): Promise<boolean> {
  const inserted = await tx.insert(personalOffers).values(row).onConflictDoNothing().returning({ id: personalOffers.id });
  return inserted.length > 0;
}

/** The offers of many customers in one statement, newest first per customer. */
export function findOffersByCustomerIds(db: PromotionsDb, customerIds: readonly string[]): Promise<PersonalOfferRow[]> {
  return preparedOnce(db, 'offersByCustomerIds', (on) =>
    on
      .select()
      .from(personalOffers)
      .where(isAnyOf(personalOffers.customerId))
      .orderBy(asc(personalOffers.customerId), desc(personalOffers.issuedAt), desc(personalOffers.id))
      .prepare('promotions_offers_by_customer_ids'),
  ).execute({ keys: customerIds });
}

/** A code entered on a cart, as pricing reads it: the stored code, its own uses, and its personal offer's promotion. */
export type EnteredCodeRow = CouponCodeRow & {
  /** Uses counting against the code's own limit (confirmed, or held and not lapsed); 0 for a code without one. */
  uses: number;
  /** The personal offer's promotion the code unlocks, with what counts against its limits; null for a shared promotion's code. */
  personalPromotion: LivePromotionRow | null;
};

/**
 * The stored codes among `codes` (normalized) with everything pricing needs of them, in one
 * statement for every cart of a request: the uses against each code's own limit (counted only for
 * codes that have one) and, for a personal offer's code, its promotion with its held uses. Personal
 * promotions are priced only on the carts that carry their code.
 */
export function findEnteredCodes(db: PromotionsDb, codes: readonly string[]): Promise<EnteredCodeRow[]> {
  const usesOfPromotion = sql`${promotionUses.promotionId} = ${promotions.id} and ${countedUse}`;
  return preparedOnce(db, 'enteredCodes', (on) =>
    on
      .select({
        ...getTableColumns(couponCodes),
        uses: sql<number>`case when ${couponCodes.usageLimit} is null then 0 else (select count(*) from ${promotionUses} where ${promotionUses.couponCode} = ${couponCodes.code} and ${countedUse}) end`.mapWith(Number),
        personalPromotion: {
          ...getTableColumns(promotions),
          heldUses: sql<number>`(select count(*) from ${promotionUses} where ${usesOfPromotion})`.mapWith(Number),
          heldMinor: sql<number>`(select coalesce(sum(${promotionUses.discountMinor}), 0) from ${promotionUses} where ${usesOfPromotion})`.mapWith(Number),
        },
      })
      .from(couponCodes)
      .leftJoin(promotions, and(eq(promotions.id, couponCodes.promotionId), isNotNull(promotions.ownerCustomerId)))
      .where(isAnyOf(couponCodes.code))
      .prepare('promotions_entered_codes'),
  ).execute({ keys: codes });
}

/** The customer each merged id now stands for; ids never merged are missing. */
export function findSurvivors(db: PromotionsDb, customerIds: readonly string[]): Promise<{ mergedId: string; survivorId: string }[]> {
  return preparedOnce(db, 'survivors', (on) => on.select().from(customerAliases).where(isAnyOf(customerAliases.mergedId)).prepare('promotions_survivors')).execute({ keys: customerIds });
}

/**
 * Records that `mergedId` is now `survivorId`, and re-points ids merged into `mergedId` before,
 * so every alias names the final survivor in one step.
 */
export async function recordCustomerAlias(tx: PromotionsDb, mergedId: string, survivorId: string): Promise<void> {
  // A survivor once merged into `mergedId` is one person again: its old alias would loop.
  await tx.delete(customerAliases).where(eq(customerAliases.mergedId, survivorId));
  await tx.update(customerAliases).set({ survivorId }).where(eq(customerAliases.survivorId, mergedId));
  await tx.insert(customerAliases).values({ mergedId, survivorId }).onConflictDoUpdate({ target: customerAliases.mergedId, set: { survivorId } });
}

/** Offers and their promotions follow the survivor; returns how many offers moved. */
export async function moveOffersToCustomer(tx: PromotionsDb, fromCustomerId: string, toCustomerId: string): Promise<number> {
  const moved = await tx.update(personalOffers).set({ customerId: toCustomerId }).where(eq(personalOffers.customerId, fromCustomerId)).returning({ promotionId: personalOffers.promotionId });
  if (moved.length === 0) return 0;
  await tx
    .update(promotions)
    .set({ ownerCustomerId: toCustomerId, updatedAt: new Date() })
    .where(inArray(promotions.id, moved.map((row) => row.promotionId)));
  return moved.length;
}
