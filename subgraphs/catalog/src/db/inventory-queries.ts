import { and, asc, desc, eq, inArray, lt, lte, sql, type SQL } from 'drizzle-orm';
import {
  inventoryAdjustments,
  inventoryLevels,
  inventoryReservations,
  type InventoryReservationRow,
  locations,
  products,
  variantPrices,
  variants,
  type InventoryAdjustmentRow,
  type InventoryLevelRow,
} from './schema';
import type { CatalogDb } from './database';
import { preparedOnce } from './prepared';

/** Stock of one variant at one location; a location that never stocked the variant has zeros. */
export interface StockLevelRecord {
  variantId: string;
  locationId: string;
  onHand: number;
  reserved: number;
  safetyStock: number;
  /** Units sold offline beyond what was free to sell, not yet settled by an adjustment. */
  shortfall: number;
}

/**
 * One level per (variant, location) pair for every location, so "is it at my store" has an answer
 * even where no stock row was ever written.
 */
export function findStockLevelsByVariantIds(db: CatalogDb, variantIds: readonly string[]): Promise<StockLevelRecord[]> {
  return preparedOnce(db, 'stockLevelsByVariantIds', (on) =>
    on
      .select(stockLevelColumns)
      .from(variants)
      .crossJoin(locations)
      .leftJoin(inventoryLevels, and(eq(inventoryLevels.variantId, variants.id), eq(inventoryLevels.locationId, locations.id)))
      .where(sql`${variants.id} = any(${sql.placeholder('variantIds')})`)
      .orderBy(asc(variants.id), asc(locations.id))
      .prepare('catalog_stock_levels_by_variant_ids'),
  ).execute({ variantIds });
}

/** A level as stored, zeros where no row was ever written; integers as the driver hands them over. */
const stockLevelColumns = {
  variantId: variants.id,
  locationId: locations.id,
  onHand: sql<number>`coalesce(${inventoryLevels.onHand}, 0)`,
  reserved: sql<number>`coalesce(${inventoryLevels.reserved}, 0)`,
  safetyStock: sql<number>`coalesce(${inventoryLevels.safetyStock}, 0)`,
  shortfall: sql<number>`coalesce(${inventoryLevels.shortfall}, 0)`,
};

export async function findStockLevel(db: CatalogDb, variantId: string, locationId: string): Promise<StockLevelRecord> {
  const [row] = await db
    .select()
    .from(inventoryLevels)
    .where(and(eq(inventoryLevels.variantId, variantId), eq(inventoryLevels.locationId, locationId)));
  return row ? toStockLevel(row) : { variantId, locationId, onHand: 0, reserved: 0, safetyStock: 0, shortfall: 0 };
}

/** Takes the row lock every writer of this level queues on; null when no row exists yet. */
export async function lockInventoryLevel(db: CatalogDb, variantId: string, locationId: string): Promise<InventoryLevelRow | null> {
  const [row] = await db
    .select()
    .from(inventoryLevels)
    .where(and(eq(inventoryLevels.variantId, variantId), eq(inventoryLevels.locationId, locationId)))
    .for('update');
  return row ?? null;
}

/** Creates an empty level so it can be locked; a concurrent creator wins harmlessly. */
export async function ensureInventoryLevel(db: CatalogDb, variantId: string, locationId: string): Promise<void> {
  await db.insert(inventoryLevels).values({ variantId, locationId, onHand: 0, reserved: 0 }).onConflictDoNothing();
}

/** Sets on hand or safety stock of a level the caller holds locked. */
export async function updateLockedLevel(
  db: CatalogDb,
  variantId: string,
  locationId: string,
  changes: { onHand: number } | { safetyStock: number },
): Promise<StockLevelRecord> {
  // Setting on hand is a person's count, delivery or correction, which leaves it at or above what
  // is reserved: whatever an offline sale was short of is settled by it.
  const settled = 'onHand' in changes ? { shortfall: 0 } : {};
  const [row] = await db
    .update(inventoryLevels)
    .set({ ...changes, ...settled, updatedAt: new Date() })
    .where(and(eq(inventoryLevels.variantId, variantId), eq(inventoryLevels.locationId, locationId)))
    .returning();
  if (!row) throw new Error(`Inventory level ${variantId}@${locationId} vanished while locked`);
  return toStockLevel(row);
}

export type NewInventoryAdjustment = typeof inventoryAdjustments.$inferInsert;

export async function insertInventoryAdjustment(db: CatalogDb, adjustment: NewInventoryAdjustment): Promise<InventoryAdjustmentRow> {
  const [row] = await db.insert(inventoryAdjustments).values(adjustment).returning();
  if (!row) throw new Error('Inventory adjustment insert returned no row');
  return row;
}

export async function findAdjustmentByIdempotencyKey(db: CatalogDb, idempotencyKey: string): Promise<InventoryAdjustmentRow | null> {
  const [row] = await db.select().from(inventoryAdjustments).where(eq(inventoryAdjustments.idempotencyKey, idempotencyKey));
  return row ?? null;
}

/** The key `createChildPageLoader` groups adjustments by: one stock level. */
export const stockLevelKey = (variantId: string, locationId: string): string => `${variantId}|${locationId}`;

/**
 * Newest-first pages of the audit trail of many stock levels in one statement: each level gets at
 * most `limit` rows older than the cursor, ranked inside its own partition.
 */
export async function findAdjustmentPages(
  db: CatalogDb,
  levelKeys: readonly string[],
  page: { limit: number; after: string | null },
): Promise<InventoryAdjustmentRow[]> {
  const pairs = levelKeys.map((key) => {
    const [variantId = '', locationId = ''] = key.split('|');
    return sql`(${variantId}, ${locationId})`;
  });
  const conditions: (SQL | undefined)[] = [
    sql`(${inventoryAdjustments.variantId}, ${inventoryAdjustments.locationId}) in (${sql.join(pairs, sql`, `)})`,
    page.after === null ? undefined : lt(inventoryAdjustments.id, page.after),
  ];
  const ranked = db
    .select({
      id: inventoryAdjustments.id,
      rank: sql<number>`row_number() over (partition by ${inventoryAdjustments.variantId}, ${inventoryAdjustments.locationId} order by ${inventoryAdjustments.id} desc)`.as('rank'),
    })
    .from(inventoryAdjustments)
    .where(and(...conditions))
    .as('ranked');
  return db
    .select({ adjustment: inventoryAdjustments })
    .from(ranked)
    .innerJoin(inventoryAdjustments, eq(inventoryAdjustments.id, ranked.id))
    .where(sql`${ranked.rank} <= ${page.limit}`)
    .orderBy(desc(inventoryAdjustments.id))
    .then((rows) => rows.map((row) => row.adjustment));
}

export interface VariantSnapshotRecord {
  id: string;
  sku: string;
  title: string;
  productTitle: string;
  priceMinor: number;
  compareAtMinor: number | null;
  currencyCode: string;
  productId: string;
  categoryId: string;
  /** Channels the variant's product is offered in; the caller decides which one the sale happens in. */
  publishedChannels: string[];
  totalAvailable: number;
}

/**
 * Everything the cart needs to price and check a line, for many variants in one statement. With
 * `currencyCode`, a variant that has a price in that currency (its own, or one of
 * `variant_prices`) is priced in it; one that has none keeps its own price and currency, so the
 * caller sees the mismatch.
 */
export function findVariantSnapshots(db: CatalogDb, variantIds: readonly string[], currencyCode: string | null = null): Promise<VariantSnapshotRecord[]> {
  const available = sql<number>`coalesce((
      select sum(greatest(${inventoryLevels.onHand} - ${inventoryLevels.reserved} - ${inventoryLevels.safetyStock}, 0))
      from ${inventoryLevels}
      where ${inventoryLevels.variantId} = ${variants.id}
    ), 0)`.mapWith(Number);
  // The other-currency price applies only when the variant's own currency is not the one asked;
  // without a currency the join finds nothing and every variant keeps its own price.
  const useOther = sql`(${variantPrices.amountMinor} is not null and ${variants.currencyCode} <> ${variantPrices.currencyCode})`;
  return db
    .select({
      id: variants.id,
      sku: variants.sku,
      title: variants.title,
      productTitle: products.title,
      priceMinor: sql<number>`case when ${useOther} then ${variantPrices.amountMinor} else ${variants.priceMinor} end`.mapWith(Number),
      compareAtMinor: sql<number | null>`case when ${useOther} then ${variantPrices.compareAtMinor} else ${variants.compareAtMinor} end`.mapWith((value) => (value === null ? null : Number(value))),
      currencyCode: sql<string>`case when ${useOther} then ${variantPrices.currencyCode} else ${variants.currencyCode} end`,
      productId: variants.productId,
      categoryId: products.categoryId,
      publishedChannels: products.channels,
      totalAvailable: available,
    })
    .from(variants)
    .innerJoin(products, eq(products.id, variants.productId))
    .leftJoin(variantPrices, and(eq(variantPrices.variantId, variants.id), currencyCode ? eq(variantPrices.currencyCode, currencyCode) : sql`false`))
    .where(inArray(variants.id, [...variantIds]));
}

function toStockLevel(row: InventoryLevelRow): StockLevelRecord {
  return { variantId: row.variantId, locationId: row.locationId, onHand: row.onHand, reserved: row.reserved, safetyStock: row.safetyStock, shortfall: row.shortfall };
}

/**
 * Locks the levels of many variants at one location in variant id order. Every multi-level writer
 * locks in this order, so two checkouts holding overlapping variants queue instead of deadlocking.
 */
export async function lockInventoryLevels(db: CatalogDb, locationId: string, variantIds: readonly string[]): Promise<InventoryLevelRow[]> {
  if (variantIds.length === 0) return [];
  return db
    .select()
    .from(inventoryLevels)
    .where(and(eq(inventoryLevels.locationId, locationId), inArray(inventoryLevels.variantId, [...variantIds])))
    .orderBy(asc(inventoryLevels.variantId))
    .for('update');
}

/**
 * Moves reserved (and on hand, when stock leaves) of many locked levels of one location in one
 * statement, whatever the number of lines; the levels after the change come back by variant id.
 */
export async function changeLevels(
  db: CatalogDb,
  locationId: string,
  changes: readonly { variantId: string; reserved: number; onHand?: number }[],
): Promise<Map<string, StockLevelRecord>> {
  if (changes.length === 0) return new Map();
  const byVariant = (value: (change: (typeof changes)[number]) => number) =>
    sql`case ${inventoryLevels.variantId} ${sql.join(changes.map((change) => sql`when ${change.variantId} then ${value(change)}::integer`), sql` `)} end`;
  const rows = await db
    .update(inventoryLevels)
    .set({
      reserved: sql`${inventoryLevels.reserved} + ${byVariant((change) => change.reserved)}`,
      onHand: sql`${inventoryLevels.onHand} + ${byVariant((change) => change.onHand ?? 0)}`,
      updatedAt: new Date(),
    })
    .where(and(eq(inventoryLevels.locationId, locationId), inArray(inventoryLevels.variantId, changes.map((change) => change.variantId))))
    .returning();
  if (rows.length !== new Set(changes.map((change) => change.variantId)).size) throw new Error(`Inventory levels at ${locationId} vanished while locked`);
  return new Map(rows.map((row) => [row.variantId, toStockLevel(row)]));
}

/** Many adjustments in one statement. */
export async function insertInventoryAdjustments(db: CatalogDb, adjustments: readonly NewInventoryAdjustment[]): Promise<void> {
  if (adjustments.length > 0) await db.insert(inventoryAdjustments).values([...adjustments]);
}

export type NewInventoryReservation = typeof inventoryReservations.$inferInsert;

export async function insertReservation(db: CatalogDb, reservation: NewInventoryReservation): Promise<InventoryReservationRow> {
  const [row] = await db.insert(inventoryReservations).values(reservation).returning();
  if (!row) throw new Error('Reservation insert returned no row');
  return row;
}

export async function findReservationByKey(db: CatalogDb, service: string, idempotencyKey: string): Promise<InventoryReservationRow | null> {
  const [row] = await db
    .select()
    .from(inventoryReservations)
    .where(and(eq(inventoryReservations.service, service), eq(inventoryReservations.idempotencyKey, idempotencyKey)));
  return row ?? null;
}

export async function findReservation(db: CatalogDb, id: string): Promise<InventoryReservationRow | null> {
  const [row] = await db.select().from(inventoryReservations).where(eq(inventoryReservations.id, id));
  return row ?? null;
}

export async function lockReservation(db: CatalogDb, id: string): Promise<InventoryReservationRow | null> {
  const [row] = await db.select().from(inventoryReservations).where(eq(inventoryReservations.id, id)).for('update');
  return row ?? null;
}

export async function setReservationStatus(db: CatalogDb, id: string, status: InventoryReservationRow['status']): Promise<InventoryReservationRow> {
  const [row] = await db
    .update(inventoryReservations)
    .set({ status, updatedAt: new Date() })
    .where(eq(inventoryReservations.id, id))
    .returning();
  if (!row) throw new Error(`Reservation ${id} vanished while locked`);
  return row;
}

/** Active reservations past their expiry; skips rows another sweeper or writer holds right now. */
export function lockExpiredReservations(db: CatalogDb, now: Date, limit: number): Promise<InventoryReservationRow[]> {
  return db
    .select()
    .from(inventoryReservations)
    .where(and(eq(inventoryReservations.status, 'ACTIVE'), lte(inventoryReservations.expiresAt, now)))
    .orderBy(asc(inventoryReservations.expiresAt))
    .limit(limit)
    .for('update', { skipLocked: true });
}

/**
 * Stock of many (variant, location) pairs in one statement: what a listing page asks for
 * ("available at my store") without reading every location of every variant. Pairs whose variant
 * or location does not exist are left out; pairs never stocked come back as zeros.
 */
export async function findStockLevelsAt(db: CatalogDb, keys: readonly string[]): Promise<StockLevelRecord[]> {
  const variantIds: string[] = [];
  const locationIds: string[] = [];
  for (const key of keys) {
    const separator = key.indexOf('|');
    variantIds.push(key.slice(0, separator));
    locationIds.push(key.slice(separator + 1));
  }
  return preparedOnce(db, 'stockLevelsAt', (on) =>
    on
      .select(stockLevelColumns)
      .from(sql`unnest(${sql.placeholder('variantIds')}::text[], ${sql.placeholder('locationIds')}::text[]) as wanted(variant_id, location_id)`)
      .innerJoin(variants, sql`${variants.id} = wanted.variant_id`)
      .innerJoin(locations, sql`${locations.id} = wanted.location_id`)
      .leftJoin(inventoryLevels, and(eq(inventoryLevels.variantId, variants.id), eq(inventoryLevels.locationId, locations.id)))
      .prepare('catalog_stock_levels_at'),
  ).execute({ variantIds, locationIds });
}

/** Units available to sell per variant, summed over every location, for many variants in one statement. */
export function findAvailableTotals(db: CatalogDb, variantIds: readonly string[]): Promise<{ variantId: string; available: number }[]> {
  return preparedOnce(db, 'availableTotals', (on) =>
    on
      .select({
        variantId: inventoryLevels.variantId,
        available: sql<number>`sum(greatest(${inventoryLevels.onHand} - ${inventoryLevels.reserved} - ${inventoryLevels.safetyStock}, 0))`.mapWith(Number),
      })
      .from(inventoryLevels)
      .where(sql`${inventoryLevels.variantId} = any(${sql.placeholder('variantIds')})`)
      .groupBy(inventoryLevels.variantId)
      .prepare('catalog_available_totals'),
  ).execute({ variantIds });
}

/** Levels of these locations short after offline sales, per location by variant id. */
export function findShortfallsByLocationIds(db: CatalogDb, locationIds: readonly string[]): Promise<InventoryLevelRow[]> {
  return db
    .select()
    .from(inventoryLevels)
    .where(and(inArray(inventoryLevels.locationId, [...locationIds]), sql`${inventoryLevels.shortfall} > 0`))
    .orderBy(asc(inventoryLevels.locationId), asc(inventoryLevels.variantId));
}

/** Adjustments by their idempotency keys (an offline sale's lines). */
export function findAdjustmentsByIdempotencyKeys(db: CatalogDb, keys: readonly string[]): Promise<InventoryAdjustmentRow[]> {
  return db.select().from(inventoryAdjustments).where(inArray(inventoryAdjustments.idempotencyKey, [...keys]));
}

/** Creates the empty levels of these variants at a location so they can be locked; existing ones stay. */
export async function ensureInventoryLevels(db: CatalogDb, locationId: string, variantIds: readonly string[]): Promise<void> {
  if (variantIds.length === 0) return;
  await db.insert(inventoryLevels).values(variantIds.map((variantId) => ({ variantId, locationId, onHand: 0, reserved: 0 }))).onConflictDoNothing();
}

/** Sets on hand and shortfall of a level the caller holds locked (an offline sale). */
export async function setLockedLevelAfterOfflineSale(db: CatalogDb, variantId: string, locationId: string, values: { onHand: number; shortfall: number }): Promise<void> {
  await db
    .update(inventoryLevels)
    .set({ ...values, updatedAt: new Date() })
    .where(and(eq(inventoryLevels.variantId, variantId), eq(inventoryLevels.locationId, locationId)));
}
