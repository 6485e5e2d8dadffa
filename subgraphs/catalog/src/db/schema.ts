import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  check,
  customType,
  index,
  integer,
  jsonb,
  pgSchema,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import { createOutboxTable } from '@omni/events';

/** Everything the catalog subgraph stores lives in its own Postgres schema. */
export const catalogSchema = pgSchema('catalog');

export interface SelectedOption {
  name: string;
  value: string;
}

/** One day of a location's week; `opens`/`closes` are local `HH:MM`. */
export interface OpeningHours {
  /** ISO weekday, 1 = Monday … 7 = Sunday. */
  weekday: number;
  opens: string;
  closes: string;
}

/** One variant and how many units of it a reservation holds. */
export interface ReservationLine {
  variantId: string;
  quantity: number;
}

const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' });
/** A transaction id that never wraps around; orders the partner feed by commit visibility. */
const xid8 = customType<{ data: string; driverData: string }>({ dataType: () => 'xid8' });

export const categories = catalogSchema.table(
  'categories',
  {
    id: text('id').primaryKey(),
    slug: text('slug').notNull(),
    name: text('name').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [uniqueIndex('categories_slug_key').on(table.slug)],
);

export const products = catalogSchema.table(
  'products',
  {
    id: text('id').primaryKey(),
    slug: text('slug').notNull(),
    title: text('title').notNull(),
    description: text('description').notNull().default(''),
    vendor: text('vendor').notNull(),
    categoryId: text('category_id')
      .notNull()
      .references(() => categories.id),
    imageUrls: jsonb('image_urls').$type<string[]>().notNull().default([]),
    /** Channels the product is offered in; empty means a draft nobody but admins sees. */
    channels: text('channels').array().notNull().default(sql`'{}'::text[]`),
    /**
     * Every channel the product has ever been offered in. A channel's mirror (the partner feed)
     * only needs a tombstone for what it could have received; a product it never saw stays out.
     */
    everChannels: text('ever_channels').array().notNull().default(sql`'{}'::text[]`),
    /** Cheapest variant price, kept with every variant write so price sorting can use an index. */
    minPriceMinor: bigint('min_price_minor', { mode: 'number' }),
    /**
     * 'simple' keeps every word as typed (prefix matching while typing, brand names); the English
     * and Russian configs add stems, so `jackets` finds `Jacket` and `куртки` finds `Куртка`.
     */
    searchVector: tsvector('search_vector')
      .notNull()
      .generatedAlwaysAs(
        sql`setweight(to_tsvector('simple'::regconfig, "title"), 'A') || setweight(to_tsvector('english'::regconfig, "title"), 'A') || setweight(to_tsvector('russian'::regconfig, "title"), 'A') || setweight(to_tsvector('simple'::regconfig, "description"), 'B') || setweight(to_tsvector('english'::regconfig, "description"), 'B') || setweight(to_tsvector('russian'::regconfig, "description"), 'B')`,
      ),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex('products_slug_key').on(table.slug),
    index('products_category_id_idx').on(table.categoryId, table.id),
    index('products_search_vector_idx').using('gin', table.searchVector),
    index('products_channels_idx').using('gin', table.channels),
    index('products_min_price_idx').on(table.minPriceMinor, table.id),
  ],
);

export const variants = catalogSchema.table(
  'variants',
  {
    id: text('id').primaryKey(),
    productId: text('product_id')
      .notNull()
      .references(() => products.id),
    sku: text('sku').notNull(),
    barcode: text('barcode'),
    title: text('title').notNull(),
    options: jsonb('options').$type<SelectedOption[]>().notNull().default([]),
    priceMinor: bigint('price_minor', { mode: 'number' }).notNull(),
    /** The "was" price shown struck through; null when the variant is not on sale. */
    compareAtMinor: bigint('compare_at_minor', { mode: 'number' }),
    currencyCode: text('currency_code').notNull(),
    position: integer('position').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex('variants_sku_key').on(table.sku),
    // Scanners look variants up by barcode, so one barcode must mean one variant.
    uniqueIndex('variants_barcode_key').on(table.barcode),
    uniqueIndex('variants_product_id_position_key').on(table.productId, table.position),
    check('variants_price_minor_check', sql`${table.priceMinor} >= 0`),
    check('variants_currency_code_check', sql`${table.currencyCode} ~ '^[A-Z]{3}$'`),
    check('variants_compare_at_minor_check', sql`${table.compareAtMinor} is null or ${table.compareAtMinor} > ${table.priceMinor}`),
  ],
);

/**
 * The price of a variant in further currencies, beside its own price in the product's currency
 * (`variants.price_minor`), for shops that sell across borders.
 */
export const variantPrices = catalogSchema.table(
  'variant_prices',
  {
    variantId: text('variant_id')
      .notNull()
      .references(() => variants.id),
    currencyCode: text('currency_code').notNull(),
    amountMinor: bigint('amount_minor', { mode: 'number' }).notNull(),
    compareAtMinor: bigint('compare_at_minor', { mode: 'number' }),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    primaryKey({ columns: [table.variantId, table.currencyCode], name: 'variant_prices_pkey' }),
    check('variant_prices_amount_minor_check', sql`${table.amountMinor} >= 0`),
    check('variant_prices_currency_code_check', sql`${table.currencyCode} ~ '^[A-Z]{3}$'`),
    check('variant_prices_compare_at_minor_check', sql`${table.compareAtMinor} is null or ${table.compareAtMinor} > ${table.amountMinor}`),
  ],
);

export const locations = catalogSchema.table('locations', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  kind: text('kind').notNull(),
  street: text('street').notNull(),
  city: text('city').notNull(),
  postalCode: text('postal_code').notNull(),
  countryCode: text('country_code').notNull(),
  pickupEnabled: boolean('pickup_enabled').notNull().default(false),
  openingHours: jsonb('opening_hours').$type<OpeningHours[]>().notNull().default([]),
  /** Warehouses: days a transfer to a store takes. Null for stores, which do not send transfers. */
  transferLeadDays: integer('transfer_lead_days'),
  /** Days a parcel from here takes to a customer's address; null when this location does not ship to customers. */
  deliveryLeadDays: integer('delivery_lead_days'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

export const inventoryLevels = catalogSchema.table(
  'inventory_levels',
  {
    variantId: text('variant_id')
      .notNull()
      .references(() => variants.id),
    locationId: text('location_id')
      .notNull()
      .references(() => locations.id),
    onHand: integer('on_hand').notNull().default(0),
    reserved: integer('reserved').notNull().default(0),
    /** Units kept back from sale (display items, counting errors); not part of `available`. */
    safetyStock: integer('safety_stock').notNull().default(0),
    /**
     * Units a till sold offline that were not free to sell (on hand minus reserved) when the sale
     * reached us: the goods had left, so on hand went down anyway, possibly below zero. Staff see it
     * as `Location.stockShortfalls`; the next adjustment (a count, a delivery) settles it to 0.
     */
    shortfall: integer('shortfall').notNull().default(0),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    primaryKey({ columns: [table.variantId, table.locationId], name: 'inventory_levels_pkey' }),
    index('inventory_levels_location_id_idx').on(table.locationId),
    // The last line of defence against overselling, whatever code path writes stock: only an
    // offline sale's recorded shortfall may take on hand below zero or below what is reserved.
    check('inventory_levels_on_hand_check', sql`${table.onHand} + ${table.shortfall} >= 0`),
    check('inventory_levels_reserved_check', sql`${table.reserved} >= 0 and ${table.reserved} <= ${table.onHand} + ${table.shortfall}`),
    check('inventory_levels_safety_stock_check', sql`${table.safetyStock} >= 0`),
    check('inventory_levels_shortfall_check', sql`${table.shortfall} >= 0`),
    // Staff list a store's shortfalls.
    index('inventory_levels_shortfall_idx').on(table.locationId).where(sql`shortfall > 0`),
  ],
);

export const inventoryAdjustments = catalogSchema.table(
  'inventory_adjustments',
  {
    id: text('id').primaryKey(),
    variantId: text('variant_id')
      .notNull()
      .references(() => variants.id),
    locationId: text('location_id')
      .notNull()
      .references(() => locations.id),
    delta: integer('delta').notNull(),
    reason: text('reason').notNull(),
    note: text('note'),
    onHandAfter: integer('on_hand_after').notNull(),
    // The level's shortfall after the adjustment (see `inventory_levels.shortfall`).
    shortfallAfter: integer('shortfall_after').notNull().default(0),
    staffId: text('staff_id'),
    idempotencyKey: text('idempotency_key').notNull(),
    /** Canonical form of the request, so a replayed key can be told apart from a reused one. */
    requestFingerprint: text('request_fingerprint').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex('inventory_adjustments_idempotency_key_key').on(table.idempotencyKey),
    index('inventory_adjustments_variant_location_idx').on(table.variantId, table.locationId, table.id),
    check('inventory_adjustments_delta_check', sql`${table.delta} <> 0`),
    check('inventory_adjustments_on_hand_after_check', sql`${table.onHandAfter} + ${table.shortfallAfter} >= 0 and ${table.shortfallAfter} >= 0`),
  ],
);

export const RESERVATION_STATUSES = ['ACTIVE', 'RELEASED', 'EXPIRED', 'COMMITTED'] as const;
export type ReservationStatus = (typeof RESERVATION_STATUSES)[number];

/** Stock held at one location for a checkout until it is committed, released or lapses. */
export const inventoryReservations = catalogSchema.table(
  'inventory_reservations',
  {
    id: text('id').primaryKey(),
    locationId: text('location_id')
      .notNull()
      .references(() => locations.id),
    lines: jsonb('lines').$type<ReservationLine[]>().notNull(),
    status: text('status').$type<ReservationStatus>().notNull(),
    /** What the hold is for, e.g. a cart or order id of the calling service. */
    reference: text('reference'),
    service: text('service').notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    idempotencyKey: text('idempotency_key').notNull(),
    requestFingerprint: text('request_fingerprint').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex('inventory_reservations_idempotency_key_key').on(table.service, table.idempotencyKey),
    index('inventory_reservations_active_expiry_idx').on(table.expiresAt).where(sql`${table.status} = 'ACTIVE'`),
    check('inventory_reservations_status_check', sql`${table.status} in ('ACTIVE', 'RELEASED', 'EXPIRED', 'COMMITTED')`),
  ],
);

/**
 * One row per product: the transaction that last changed what a partner mirrors of it (fields,
 * prices, publication, stock). The partner feed reads it in (tx_id, product_id) order and only
 * below the oldest running transaction, so a change can never commit behind a partner's cursor.
 */
export const catalogFeed = catalogSchema.table(
  'catalog_feed',
  {
    productId: text('product_id')
      .primaryKey()
      .references(() => products.id),
    txId: xid8('tx_id').notNull().default(sql`pg_current_xact_id()`),
    changedAt: timestamp('changed_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [index('catalog_feed_position_idx').on(table.txId, table.productId)],
);

/**
 * Stock and product changes (`stock.changed`, `product.changed`), written in the transaction that
 * makes them, for live subscriptions and caches.
 */
export const outboxEvents = createOutboxTable(catalogSchema);
export type NewOutboxEvent = typeof outboxEvents.$inferInsert;

export const tables = {
  categories,
  products,
  variants,
  variantPrices,
  locations,
  inventoryLevels,
  inventoryAdjustments,
  inventoryReservations,
  catalogFeed,
  outboxEvents,
};
export type CategoryRow = typeof categories.$inferSelect;
/** A product as the services see it: the search vector stays in the database. */
export type ProductRow = Omit<typeof products.$inferSelect, 'searchVector'>;
/** A variant as the services see it: when it was created and last written stays in the database (no field shows it). */
export type VariantRow = Omit<typeof variants.$inferSelect, 'createdAt' | 'updatedAt'>;
export type LocationRow = typeof locations.$inferSelect;
export type VariantPriceRow = typeof variantPrices.$inferSelect;
export type InventoryLevelRow = typeof inventoryLevels.$inferSelect;
export type InventoryAdjustmentRow = typeof inventoryAdjustments.$inferSelect;
export type InventoryReservationRow = typeof inventoryReservations.$inferSelect;
