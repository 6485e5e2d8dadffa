import { sql } from 'drizzle-orm';
import type { Channel } from '@omni/auth';
import { bigint, check, index, integer, pgSchema, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { createOutboxTable } from '@omni/events';

/** Everything the cart subgraph stores lives in its own Postgres schema. */
export const cartSchema = pgSchema('cart');

export const CART_STATUSES = ['ACTIVE'] as const;
export type CartStatus = (typeof CART_STATUSES)[number];

/** Largest quantity one line may hold; also the bound of every quantity in the API. */
export const MAX_LINE_QUANTITY = 999;

export const carts = cartSchema.table(
  'carts',
  {
    id: text('id').primaryKey(),
    customerId: text('customer_id'),
    guestId: text('guest_id'),
    channel: text('channel').$type<Channel>().notNull(),
    status: text('status').$type<CartStatus>().notNull().default('ACTIVE'),
    currencyCode: text('currency_code').notNull(),
    version: integer('version').notNull().default(1),
    // Kept in step with the lines by the same statement that bumps the version, so the totals the
    // promotions subgraph @requires resolve from the cart row alone.
    lineCount: integer('line_count').notNull().default(0),
    totalQuantity: integer('total_quantity').notNull().default(0),
    subtotalMinor: bigint('subtotal_minor', { mode: 'number' }).notNull().default(0),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    // One active cart per shopper is what makes the cart the same in every channel.
    uniqueIndex('carts_active_customer_key').on(table.customerId).where(sql`status = 'ACTIVE' and customer_id is not null`),
    uniqueIndex('carts_active_guest_key').on(table.guestId).where(sql`status = 'ACTIVE' and guest_id is not null`),
    check('carts_owner_check', sql`customer_id is null or guest_id is null`),
    check('carts_status_check', sql`status in ('ACTIVE')`),
    check('carts_version_check', sql`version >= 1`),
    check('carts_totals_check', sql`line_count >= 0 and total_quantity >= 0 and subtotal_minor >= 0`),
  ],
);

export const cartLines = cartSchema.table(
  'cart_lines',
  {
    id: text('id').primaryKey(),
    cartId: text('cart_id')
      .notNull()
      .references(() => carts.id, { onDelete: 'cascade' }),
    variantId: text('variant_id').notNull(),
    quantity: integer('quantity').notNull(),
    unitPriceMinor: bigint('unit_price_minor', { mode: 'number' }).notNull(),
    currencyCode: text('currency_code').notNull(),
    addedInChannel: text('added_in_channel').$type<Channel>().notNull(),
    addedByStaffId: text('added_by_staff_id'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    // Adding a variant that is already in the cart raises that line's quantity instead.
    uniqueIndex('cart_lines_cart_variant_key').on(table.cartId, table.variantId),
    // Keyset pages of a cart's lines in creation order.
    index('cart_lines_cart_id_id_idx').on(table.cartId, table.id),
    check('cart_lines_quantity_check', sql`quantity between 1 and ${sql.raw(String(MAX_LINE_QUANTITY))}`),
    check('cart_lines_unit_price_check', sql`unit_price_minor >= 0`),
  ],
);

/** Domain events (`cart.changed`) written with the change they describe; see @omni/events. */
export const outboxEvents = createOutboxTable(cartSchema);

export const tables = { carts, cartLines, outboxEvents };
export type CartRow = typeof carts.$inferSelect;
export type CartLineRow = typeof cartLines.$inferSelect;
