import { and, asc, desc, eq, getTableColumns, inArray, lt, lte, sql, type SQL, type WithSubquery } from 'drizzle-orm';
import { recordOutboxWrite } from '@omni/events';
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
  type LocationRow,
  type NewOutboxEvent,
  outboxEvents,
  type ReservationLine,
  type VariantRow,
} from './schema';
import type { CatalogDb } from './database';
import { feedTouch, variantColumns } from './catalog-queries';
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

/** Units available to sell of the variant, summed over every location. */
const totalAvailable = sql<number>`coalesce((
    select sum(greatest(${inventoryLevels.onHand} - ${inventoryLevels.reserved} - ${inventoryLevels.safetyStock}, 0))
    from ${inventoryLevels}
    where ${inventoryLevels.variantId} = ${variants.id}
  ), 0)`.mapWith(Number);
// The other-currency price applies only when the variant's own currency is not the one asked;
// without a currency (null equals nothing) the join finds nothing and every variant keeps its own price.
const useOtherPrice = sql`(${variantPrices.amountMinor} is not null and ${variants.currencyCode} <> ${variantPrices.currencyCode})`;

/**
 * Everything the cart needs to price and check a line, for many variants in one statement. With
 * `currencyCode`, a variant that has a price in that currency (its own, or one of
 * `variant_prices`) is priced in it; one that has none keeps its own price and currency, so the
 * caller sees the mismatch.
 */
export function findVariantSnapshots(db: CatalogDb, variantIds: readonly string[], currencyCode: string | null = null): Promise<VariantSnapshotRecord[]> {
  return preparedOnce(db, 'variantSnapshots', (on) =>
    on
      .select({
        id: variants.id,
        sku: variants.sku,
        title: variants.title,
        productTitle: products.title,
        priceMinor: sql<number>`case when ${useOtherPrice} then ${variantPrices.amountMinor} else ${variants.priceMinor} end`.mapWith(Number),
        compareAtMinor: sql<number | null>`case when ${useOtherPrice} then ${variantPrices.compareAtMinor} else ${variants.compareAtMinor} end`.mapWith((value) => (value === null ? null : Number(value))),
        currencyCode: sql<string>`case when ${useOtherPrice} then ${variantPrices.currencyCode} else ${variants.currencyCode} end`,
        productId: variants.productId,
        categoryId: products.categoryId,
        publishedChannels: products.channels,
        totalAvailable,
      })
      .from(variants)
      .innerJoin(products, eq(products.id, variants.productId))
      .leftJoin(variantPrices, and(eq(variantPrices.variantId, variants.id), sql`${variantPrices.currencyCode} = ${sql.placeholder('currencyCode')}::text`))
      .where(sql`${variants.id} = any(${sql.placeholder('variantIds')})`)
      .prepare('catalog_variant_snapshots'),
  ).execute({ variantIds, currencyCode });
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

export type NewInventoryReservation = typeof inventoryReservations.$inferInsert;

export function findReservationByKey(db: CatalogDb, service: string, idempotencyKey: string): Promise<InventoryReservationRow | null> {
  return preparedOnce(db, 'reservationByKey', (on) =>
    on
      .select()
      .from(inventoryReservations)
      .where(and(sql`${inventoryReservations.service} = ${sql.placeholder('service')}`, sql`${inventoryReservations.idempotencyKey} = ${sql.placeholder('idempotencyKey')}`))
      .prepare('catalog_reservation_by_key'),
  )
    .execute({ service, idempotencyKey })
    .then(([row]) => row ?? null);
}

export function findReservation(db: CatalogDb, id: string): Promise<InventoryReservationRow | null> {
  return preparedOnce(db, 'reservationById', (on) =>
    on.select().from(inventoryReservations).where(sql`${inventoryReservations.id} = ${sql.placeholder('id')}`).prepare('catalog_reservation_by_id'),
  )
    .execute({ id })
    .then(([row]) => row ?? null);
}

/** What reserving stock needs to know before it locks anything (see findReservationFacts). */
export interface ReservationFacts {
  /** The reservation the service already made with this idempotency key, if any. */
  earlier: InventoryReservationRow | null;
  location: LocationRow | null;
  /** The variants asked for that exist, with their products. */
  variants: { id: string; productId: string }[];
  /** Whether any active reservation, at any location, was due to lapse by `now`. */
  lapsed: boolean;
}

/**
 * An earlier reservation with the key, the location, the variants and whether lapsed reservations
 * wait to be released, in one statement: one row per variant asked for, the location and the
 * earlier reservation on the first.
 */
export async function findReservationFacts(
  db: CatalogDb,
  query: { service: string; idempotencyKey: string; locationId: string; variantIds: readonly string[]; now: Date },
): Promise<ReservationFacts> {
  const rows = await preparedOnce(db, 'reservationFacts', (on) =>
    on
      .select({
        productId: variants.productId,
        variantId: variants.id,
        location: locations,
        earlier: inventoryReservations,
        // 'ACTIVE' as written, so a generic plan still uses the partial index of active expiries.
        lapsed: sql<boolean>`exists (select 1 from ${inventoryReservations} as lapsed where lapsed.status = 'ACTIVE' and lapsed.expires_at <= ${sql.placeholder('now')}::timestamptz)`,
      })
      .from(sql`unnest(${sql.placeholder('variantIds')}::text[]) with ordinality as wanted(variant_id, position)`)
      .leftJoin(variants, sql`${variants.id} = wanted.variant_id`)
      .leftJoin(locations, sql`wanted.position = 1 and ${locations.id} = ${sql.placeholder('locationId')}::text`)
      .leftJoin(
        inventoryReservations,
        sql`wanted.position = 1 and ${inventoryReservations.service} = ${sql.placeholder('service')}::text and ${inventoryReservations.idempotencyKey} = ${sql.placeholder('idempotencyKey')}::text`,
      )
      .orderBy(sql`wanted.position`)
      .prepare('catalog_reservation_facts'),
  ).execute({ service: query.service, idempotencyKey: query.idempotencyKey, locationId: query.locationId, variantIds: query.variantIds, now: query.now.toISOString() });
  const first = rows[0];
  return {
    earlier: first?.earlier ?? null,
    location: first?.location ?? null,
    variants: rows.flatMap((row) => (row.variantId !== null && row.productId !== null ? [{ id: row.variantId, productId: row.productId }] : [])),
    lapsed: first?.lapsed ?? false,
  };
}

/** Products of the variants a reservation holds, by variant id, read with the reservation. */
const productsOfLines = sql<Record<string, string>>`coalesce((
    select jsonb_object_agg(held.id, held.product_id) from ${variants} as held
    where held.id in (select line ->> 'variantId' from jsonb_array_elements(${inventoryReservations}.lines) as line)
  ), '{}'::jsonb)`.mapWith((value: unknown) => (typeof value === 'string' ? JSON.parse(value) : value) as Record<string, string>);

/** A locked reservation and the product of each variant it holds, which ending it names in the feed and events. */
export interface LockedReservation {
  reservation: InventoryReservationRow;
  productOf: Record<string, string>;
}

export async function lockReservation(db: CatalogDb, id: string): Promise<LockedReservation | null> {
  const [row] = await db
    .select({ reservation: inventoryReservations, productOf: productsOfLines })
    .from(inventoryReservations)
    .where(eq(inventoryReservations.id, id))
    .for('update');
  return row ?? null;
}

/** Active reservations past their expiry; skips rows another sweeper or writer holds right now. */
export function lockExpiredReservations(db: CatalogDb, now: Date, limit: number): Promise<LockedReservation[]> {
  return db
    .select({ reservation: inventoryReservations, productOf: productsOfLines })
    .from(inventoryReservations)
    .where(and(eq(inventoryReservations.status, 'ACTIVE'), lte(inventoryReservations.expiresAt, now)))
    .orderBy(asc(inventoryReservations.expiresAt))
    .limit(limit)
    .for('update', { skipLocked: true });
}

/** What a stock change writes besides the levels, in the same statement. */
export interface StockChangeEffects {
  /** Products moved to the end of the partner feed (see touchFeed). */
  productIds: readonly string[];
  /** Outbox rows (see stockChangedOutboxRows). */
  events: readonly NewOutboxEvent[];
}

/**
 * The feed and outbox inserts of a change as parts of its statement. A data-modifying part of a
 * statement runs to completion whether or not the rest reads it.
 */
function effectParts(tx: CatalogDb, effects: StockChangeEffects) {
  const touch = feedTouch(tx, effects.productIds);
  return [
    ...(touch ? [tx.$with('feed_touched').as(touch)] : []),
    ...(effects.events.length > 0 ? [tx.$with('events_written').as(tx.insert(outboxEvents).values([...effects.events]))] : []),
  ];
}

/** Once the statement that wrote the events ran: the relays wake when the transaction commits (as after publishEvents). */
function afterEffects(tx: CatalogDb, effects: StockChangeEffects): void {
  if (effects.events.length > 0) recordOutboxWrite(tx, outboxEvents);
}

/**
 * Moves reserved and on hand of many levels of one location by the change of each variant: one
 * update however many lines, the changes passed as arrays. With `locked`, only levels that part
 * of the statement locked are changed.
 */
function levelChangePart(
  tx: CatalogDb,
  locationId: string,
  changes: readonly { variantId: string; reserved: number; onHand: number }[],
  locked?: WithSubquery<'locked', { variantId: unknown }>,
) {
  const change = sql`unnest(${sql.param(changes.map((c) => c.variantId))}::text[], ${sql.param(changes.map((c) => c.reserved))}::integer[], ${sql.param(changes.map((c) => c.onHand))}::integer[]) as change(variant_id, reserved, on_hand)`;
  return tx.$with('changed').as(
    tx
      .update(inventoryLevels)
      .set({
        reserved: sql`${inventoryLevels.reserved} + change.reserved`,
        onHand: sql`${inventoryLevels.onHand} + change.on_hand`,
        updatedAt: new Date(),
      })
      .from(change)
      .where(
        and(
          eq(inventoryLevels.locationId, locationId),
          sql`${inventoryLevels.variantId} = change.variant_id`,
          locked ? sql`${inventoryLevels.variantId} in (select variant_id from ${locked})` : undefined,
        ),
      )
      .returning({ variantId: inventoryLevels.variantId, onHand: inventoryLevels.onHand }),
  );
}

const reservationColumns = getTableColumns(inventoryReservations);

/**
 * Holds the units of a new reservation on levels the caller has locked, and writes the
 * reservation, the feed positions and the events with it: one statement whatever the number of
 * lines. A second reservation with the same key fails on its unique index, and the whole
 * transaction with it.
 */
export async function holdStock(tx: CatalogDb, reservation: NewInventoryReservation & { lines: ReservationLine[] }, effects: StockChangeEffects): Promise<InventoryReservationRow> {
  const changed = levelChangePart(tx, reservation.locationId, reservation.lines.map((line) => ({ variantId: line.variantId, reserved: line.quantity, onHand: 0 })));
  const [row] = await tx
    .with(changed, ...effectParts(tx, effects))
    .insert(inventoryReservations)
    .values(reservation)
    .returning({ ...reservationColumns, changedLevels: sql<number>`(select count(*) from ${changed})`.mapWith(Number) });
  if (!row) throw new Error('Reservation insert returned no row');
  const { changedLevels, ...held } = row;
  if (changedLevels !== reservation.lines.length) throw new Error(`Inventory levels at ${reservation.locationId} vanished while locked`);
  afterEffects(tx, effects);
  return held;
}

/** The audit rows of a committed reservation, one per line; on hand after each comes from the change itself. */
export interface SoldLines {
  note: string;
  createdAt: Date;
  lines: readonly { id: string; variantId: string; delta: number; idempotencyKey: string; requestFingerprint: string }[];
}

/**
 * Ends a locked ACTIVE reservation in one statement whatever the number of lines: locks its
 * levels in variant id order (the order of every multi-level writer), gives the reserved units
 * back (and on a sale takes them off on hand, recording each line in the audit trail), writes the
 * feed positions and events and sets the status.
 */
export async function settleStock(
  tx: CatalogDb,
  reservation: InventoryReservationRow,
  change: { status: InventoryReservationRow['status']; sold: SoldLines | null },
  effects: StockChangeEffects,
): Promise<InventoryReservationRow> {
  const lines = [...reservation.lines].sort((a, b) => a.variantId.localeCompare(b.variantId));
  // The update changes only levels this part has handed it, and it hands them over (locking each)
  // in variant id order, so the statement takes its locks in that order whatever plan runs it.
  const locked = tx.$with('locked').as(
    tx
      .select({ variantId: inventoryLevels.variantId })
      .from(inventoryLevels)
      .where(and(eq(inventoryLevels.locationId, reservation.locationId), inArray(inventoryLevels.variantId, lines.map((line) => line.variantId))))
      .orderBy(asc(inventoryLevels.variantId))
      .for('update'),
  );
  const changed = levelChangePart(
    tx,
    reservation.locationId,
    lines.map((line) => ({ variantId: line.variantId, reserved: -line.quantity, onHand: change.sold ? -line.quantity : 0 })),
    locked,
  );
  const parts = [locked, changed, ...(change.sold ? [soldPart(tx, reservation.locationId, change.sold, changed)] : []), ...effectParts(tx, effects)];
  const [row] = await tx
    .with(...parts)
    .update(inventoryReservations)
    .set({ status: change.status, updatedAt: new Date() })
    .where(eq(inventoryReservations.id, reservation.id))
    .returning({ ...reservationColumns, changedLevels: sql<number>`(select count(*) from ${changed})`.mapWith(Number) });
  if (!row) throw new Error(`Reservation ${reservation.id} vanished while locked`);
  const { changedLevels, ...settled } = row;
  if (changedLevels !== lines.length) throw new Error(`Inventory levels at ${reservation.locationId} vanished while locked`);
  afterEffects(tx, effects);
  return settled;
}

/** The SOLD adjustments of a committed reservation, on hand after each line taken from `changed`. */
function soldPart(tx: CatalogDb, locationId: string, sold: SoldLines, changed: ReturnType<typeof levelChangePart>) {
  const { lines } = sold;
  const adjustment = sql`unnest(${sql.param(lines.map((line) => line.id))}::text[], ${sql.param(lines.map((line) => line.variantId))}::text[], ${sql.param(lines.map((line) => line.delta))}::integer[], ${sql.param(lines.map((line) => line.idempotencyKey))}::text[], ${sql.param(lines.map((line) => line.requestFingerprint))}::text[]) as adjustment(id, variant_id, delta, idempotency_key, request_fingerprint)`;
  return tx.$with('sold').as(
    tx.insert(inventoryAdjustments).select(
      tx
        .select({
          id: sql<string>`adjustment.id`.as('id'),
          variantId: changed.variantId,
          locationId: sql<string>`${locationId}::text`.as('location_id'),
          delta: sql<number>`adjustment.delta`.as('delta'),
          reason: sql<string>`'SOLD'`.as('reason'),
          note: sql<string>`${sold.note}::text`.as('note'),
          onHandAfter: changed.onHand,
          shortfallAfter: sql<number>`0`.as('shortfall_after'),
          staffId: sql<string | null>`null`.as('staff_id'),
          idempotencyKey: sql<string>`adjustment.idempotency_key`.as('idempotency_key'),
          requestFingerprint: sql<string>`adjustment.request_fingerprint`.as('request_fingerprint'),
          createdAt: sql<Date>`${sql.param(sold.createdAt, inventoryAdjustments.createdAt)}::timestamptz`.as('created_at'),
        })
        .from(changed)
        .innerJoin(sql`${adjustment}`, sql`adjustment.variant_id = ${changed.variantId}`),
    ),
  );
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

/** A product's variant with its stock at one location, null when that location does not exist. */
export interface VariantWithStock {
  variant: VariantRow;
  stock: StockLevelRecord | null;
}

/**
 * The variants of many products (in product, then position order, as findVariantsByProductIds)
 * each with its stock at one location, as findStockLevelsAt reads it: a listing that shows
 * availability at the shopper's store reads both in one statement instead of two.
 */
export async function findVariantsWithStockAt(db: CatalogDb, productIds: readonly string[], locationId: string): Promise<VariantWithStock[]> {
  const rows = await preparedOnce(db, 'variantsWithStockAt', (on) =>
    on
      .select({
        ...variantColumns,
        stockLocationId: locations.id,
        stockOnHand: stockLevelColumns.onHand,
        stockReserved: stockLevelColumns.reserved,
        stockSafetyStock: stockLevelColumns.safetyStock,
        stockShortfall: stockLevelColumns.shortfall,
      })
      .from(variants)
      .leftJoin(locations, sql`${locations.id} = ${sql.placeholder('locationId')}::text`)
      .leftJoin(inventoryLevels, and(eq(inventoryLevels.variantId, variants.id), eq(inventoryLevels.locationId, locations.id)))
      .where(sql`${variants.productId} = any(${sql.placeholder('productIds')}::text[])`)
      .orderBy(asc(variants.productId), asc(variants.position))
      .prepare('catalog_variants_with_stock_at'),
  ).execute({ productIds, locationId });
  return rows.map(({ stockLocationId, stockOnHand, stockReserved, stockSafetyStock, stockShortfall, ...variant }) => ({
    variant,
    stock:
      stockLocationId === null
        ? null
        : { variantId: variant.id, locationId: stockLocationId, onHand: stockOnHand, reserved: stockReserved, safetyStock: stockSafetyStock, shortfall: stockShortfall },
  }));
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
