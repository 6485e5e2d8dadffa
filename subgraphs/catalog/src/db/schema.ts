import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgSchema,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';

/** Everything the catalog subgraph stores lives in its own Postgres schema. */
export const catalogSchema = pgSchema('catalog');

export interface SelectedOption {
  name: string;
  value: string;
}

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
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex('products_slug_key').on(table.slug),
    index('products_category_id_idx').on(table.categoryId, table.id),
    // Must stay the exact expression of productSearchMatches() or the planner cannot use it.
    index('products_search_idx').using('gin', sql`to_tsvector('simple', ${table.title} || ' ' || ${table.description})`),
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
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    primaryKey({ columns: [table.variantId, table.locationId], name: 'inventory_levels_pkey' }),
    index('inventory_levels_location_id_idx').on(table.locationId),
    // The last line of defence against overselling, whatever code path writes stock.
    check('inventory_levels_on_hand_check', sql`${table.onHand} >= 0`),
    check('inventory_levels_reserved_check', sql`${table.reserved} >= 0 and ${table.reserved} <= ${table.onHand}`),
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
    check('inventory_adjustments_on_hand_after_check', sql`${table.onHandAfter} >= 0`),
  ],
);

export const tables = { categories, products, variants, locations, inventoryLevels, inventoryAdjustments };
export type CategoryRow = typeof categories.$inferSelect;
export type ProductRow = typeof products.$inferSelect;
export type VariantRow = typeof variants.$inferSelect;
export type LocationRow = typeof locations.$inferSelect;
export type InventoryLevelRow = typeof inventoryLevels.$inferSelect;
export type InventoryAdjustmentRow = typeof inventoryAdjustments.$inferSelect;
