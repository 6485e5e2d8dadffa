import { and, asc, desc, eq, inArray, lt, sql, type SQL } from 'drizzle-orm';
import {
  inventoryAdjustments,
  inventoryLevels,
  locations,
  products,
  variants,
  type InventoryAdjustmentRow,
  type InventoryLevelRow,
} from './schema';
import type { CatalogDb } from './database';

/** Stock of one variant at one location; a location that never stocked the variant has zeros. */
export interface StockLevelRecord {
  variantId: string;
  locationId: string;
  onHand: number;
  reserved: number;
}

/**
 * One level per (variant, location) pair for every location, so "is it at my store" has an answer
 * even where no stock row was ever written.
 */
export function findStockLevelsByVariantIds(db: CatalogDb, variantIds: readonly string[]): Promise<StockLevelRecord[]> {
  return db
    .select({
      variantId: variants.id,
      locationId: locations.id,
      onHand: sql<number>`coalesce(${inventoryLevels.onHand}, 0)`.mapWith(Number),
      reserved: sql<number>`coalesce(${inventoryLevels.reserved}, 0)`.mapWith(Number),
    })
    .from(variants)
    .crossJoin(locations)
    .leftJoin(inventoryLevels, and(eq(inventoryLevels.variantId, variants.id), eq(inventoryLevels.locationId, locations.id)))
    .where(inArray(variants.id, [...variantIds]))
    .orderBy(asc(variants.id), asc(locations.id));
}

export async function findStockLevel(db: CatalogDb, variantId: string, locationId: string): Promise<StockLevelRecord> {
  const [row] = await db
    .select()
    .from(inventoryLevels)
    .where(and(eq(inventoryLevels.variantId, variantId), eq(inventoryLevels.locationId, locationId)));
  return row ? toStockLevel(row) : { variantId, locationId, onHand: 0, reserved: 0 };
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

export async function setOnHand(db: CatalogDb, variantId: string, locationId: string, onHand: number): Promise<StockLevelRecord> {
  const [row] = await db
    .update(inventoryLevels)
    .set({ onHand, updatedAt: new Date() })
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
  currencyCode: string;
  totalAvailable: number;
}

/** Everything the cart needs to price and check a line, for many variants in one statement. */
export function findVariantSnapshots(db: CatalogDb, variantIds: readonly string[]): Promise<VariantSnapshotRecord[]> {
  const available = sql<number>`coalesce((
      select sum(greatest(${inventoryLevels.onHand} - ${inventoryLevels.reserved}, 0))
      from ${inventoryLevels}
      where ${inventoryLevels.variantId} = ${variants.id}
    ), 0)`.mapWith(Number);
  return db
    .select({
      id: variants.id,
      sku: variants.sku,
      title: variants.title,
      productTitle: products.title,
      priceMinor: variants.priceMinor,
      currencyCode: variants.currencyCode,
      totalAvailable: available,
    })
    .from(variants)
    .innerJoin(products, eq(products.id, variants.productId))
    .where(inArray(variants.id, [...variantIds]));
}

function toStockLevel(row: InventoryLevelRow): StockLevelRecord {
  return { variantId: row.variantId, locationId: row.locationId, onHand: row.onHand, reserved: row.reserved };
}
