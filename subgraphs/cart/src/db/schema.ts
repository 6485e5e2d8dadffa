import { sql } from 'drizzle-orm';
import type { Channel } from '@omni/auth';
import { bigint, check, index, integer, jsonb, pgSchema, primaryKey, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { createOutboxTable, createProcessedEventsTable } from '@omni/events';

/** Everything the cart subgraph stores lives in its own Postgres schema. */
export const cartSchema = pgSchema('cart');

export const CART_STATUSES = ['ACTIVE', 'CHECKED_OUT', 'MERGED'] as const;
export type CartStatus = (typeof CART_STATUSES)[number];

/** Largest quantity one line may hold; also the bound of every quantity in the API. */
export const MAX_LINE_QUANTITY = 999;
/**
 * Different items one cart holds. Promotions price `Cart.total` from the cart's first 100 lines
 * (their `@requires`), so a larger cart could show one price and be quoted another at checkout.
 */
export const MAX_CART_LINES = 100;
/** Coupon codes one cart may carry. */
export const MAX_COUPON_CODES = 5;

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
    // The version `cart.abandoned` was last published for; a newer version may be announced again.
    abandonedAnnouncedVersion: integer('abandoned_announced_version'),
    // Normalised codes in the order entered. On the row (not a table of their own) so a bare `Cart`
    // reference carries them, as the totals above, for pricing that may ask for them.
    couponCodes: text('coupon_codes').array().notNull().default(sql`'{}'::text[]`),
    // The store the sale happens at (a catalog location of kind STORE); null for online carts. On
    // the row so a bare `Cart` reference carries it for pricing by store.
    storeId: text('store_id'),
  },
  (table) => [
    // Abandoned carts: active, non-empty carts of known customers by last activity.
    index('carts_idle_idx').on(table.updatedAt).where(sql`status = 'ACTIVE' and customer_id is not null and line_count > 0`),
    // One active cart per shopper is what makes the cart the same in every channel.
    uniqueIndex('carts_active_customer_key').on(table.customerId).where(sql`status = 'ACTIVE' and customer_id is not null`),
    uniqueIndex('carts_active_guest_key').on(table.guestId).where(sql`status = 'ACTIVE' and guest_id is not null`),
    check('carts_owner_check', sql`customer_id is null or guest_id is null`),
    check('carts_status_check', sql`status in ('ACTIVE', 'CHECKED_OUT', 'MERGED')`),
    check('carts_version_check', sql`version >= 1`),
    check('carts_totals_check', sql`line_count >= 0 and total_quantity >= 0 and subtotal_minor >= 0`),
    check('carts_coupon_codes_check', sql`cardinality(coupon_codes) <= ${sql.raw(String(MAX_COUPON_CODES))}`),
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
    // The offline-sync write that set the quantity last (device time, device, operation): a
    // later-arriving older write loses to it (last writer wins). Null until a sync sets it.
    quantitySetAt: timestamp('quantity_set_at', { withTimezone: true, precision: 3 }),
    quantitySetBy: text('quantity_set_by'),
    quantitySetOp: text('quantity_set_op'),
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

/**
 * The offline-sync log: every operation a device uploaded to a cart, once per `op_id`, with what
 * became of it. A re-upload answers from here; `seq` is the order operations were applied in.
 */
export const syncOperations = cartSchema.table(
  'sync_operations',
  {
    cartId: text('cart_id')
      .notNull()
      .references(() => carts.id, { onDelete: 'cascade' }),
    opId: text('op_id').notNull(),
    seq: bigint('seq', { mode: 'number' }).generatedAlwaysAsIdentity(),
    deviceId: text('device_id').notNull(),
    deviceTime: timestamp('device_time', { withTimezone: true, precision: 3 }).notNull(),
    kind: text('kind').notNull(),
    // The operation as uploaded: the same op id with other content is refused.
    fingerprint: text('fingerprint').notNull(),
    operation: jsonb('operation').notNull(),
    status: text('status').notNull(),
    reason: text('reason'),
    quantity: integer('quantity'),
    // The cart version the batch that carried it produced (or found, when nothing changed).
    cartVersion: integer('cart_version').notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [primaryKey({ columns: [table.cartId, table.opId] }), index('sync_operations_cart_seq_idx').on(table.cartId, table.seq)],
);
export type SyncOperationRow = typeof syncOperations.$inferSelect;

export const FULFILLMENT_METHODS = ['DELIVERY', 'PICKUP', 'SHIP_FROM_STORE'] as const;
export type FulfillmentMethod = (typeof FULFILLMENT_METHODS)[number];
export const FULFILLMENT_STATUSES = ['UNFULFILLED', 'READY_FOR_PICKUP', 'PICKED_UP', 'SHIPPED'] as const;
export type FulfillmentStatus = (typeof FULFILLMENT_STATUSES)[number];
export const SHIPPING_RATE_CODES = ['STANDARD', 'EXPRESS'] as const;
export type ShippingRateCode = (typeof SHIPPING_RATE_CODES)[number];
export const PAYMENT_PROVIDERS = ['PAY_AT_PICKUP', 'CASH', 'TEST_CARD'] as const;
export type PaymentProviderId = (typeof PAYMENT_PROVIDERS)[number];
export const PAYMENT_STATUSES = ['PENDING', 'AUTHORIZED', 'CAPTURED', 'PARTIALLY_REFUNDED', 'REFUNDED', 'VOIDED'] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];
export const RESERVATION_STATES = ['ACTIVE', 'COMMITTED'] as const;
export type ReservationState = (typeof RESERVATION_STATES)[number];
/**
 * Where an order's promotion usage hold is: HELD until settlement confirms it, CONFIRMED once
 * promotions counted it for the order, LAPSED when promotions refused to count it at settlement
 * (the hold had lapsed or been released and the limits were full by then).
 */
export const PROMOTION_HOLD_STATES = ['HELD', 'CONFIRMED', 'LAPSED'] as const;
export type PromotionHoldState = (typeof PROMOTION_HOLD_STATES)[number];

const inList = (values: readonly string[]) => sql.raw(values.map((value) => `'${value}'`).join(', '));

/** Where a delivery goes; kept as written on the order. */
export interface ShippingAddress {
  name: string;
  line1: string;
  line2?: string | null;
  postalCode: string;
  city: string;
  countryCode: string;
}

export const orders = cartSchema.table(
  'orders',
  {
    id: text('id').primaryKey(),
    cartId: text('cart_id').notNull(),
    // The checkout's idempotency key, unique per cart: a replay finds the order it made.
    idempotencyKey: text('idempotency_key').notNull(),
    // What the key was first used for; the same key with another request is refused.
    requestHash: text('request_hash').notNull(),
    customerId: text('customer_id'),
    guestId: text('guest_id'),
    channel: text('channel').$type<Channel>().notNull(),
    staffId: text('staff_id'),
    currencyCode: text('currency_code').notNull(),
    subtotalMinor: bigint('subtotal_minor', { mode: 'number' }).notNull(),
    discountMinor: bigint('discount_minor', { mode: 'number' }).notNull(),
    shippingMinor: bigint('shipping_minor', { mode: 'number' }).notNull(),
    totalMinor: bigint('total_minor', { mode: 'number' }).notNull(),
    fulfillmentMethod: text('fulfillment_method').$type<FulfillmentMethod>().notNull(),
    fulfillmentLocationId: text('fulfillment_location_id').notNull(),
    // Where the stock was reserved and sold: the fulfillment location, or the warehouse a transfer
    // brings a pickup order from (endless aisle).
    sourceLocationId: text('source_location_id').notNull(),
    shippingRate: text('shipping_rate').$type<ShippingRateCode>(),
    estimatedDeliveryAt: timestamp('estimated_delivery_at', { withTimezone: true }),
    fulfillmentStatus: text('fulfillment_status').$type<FulfillmentStatus>().notNull(),
    shippingAddress: jsonb('shipping_address').$type<ShippingAddress>(),
    readyBy: timestamp('ready_by', { withTimezone: true }),
    reservationId: text('reservation_id').notNull(),
    reservationState: text('reservation_state').$type<ReservationState>().notNull(),
    // The promotions subgraph's usage hold for the discounts charged; null when none applied.
    promotionHoldId: text('promotion_hold_id'),
    promotionHoldState: text('promotion_hold_state').$type<PromotionHoldState>(),
    paymentProvider: text('payment_provider').$type<PaymentProviderId>().notNull(),
    paymentStatus: text('payment_status').$type<PaymentStatus>().notNull(),
    paymentReference: text('payment_reference'),
    capturedMinor: bigint('captured_minor', { mode: 'number' }).notNull().default(0),
    refundedMinor: bigint('refunded_minor', { mode: 'number' }).notNull().default(0),
    // Loyalty points that paid part of the total (a tender, 1 point = 1 minor unit), and those
    // credited back by returns; the payment provider takes and refunds only the rest.
    pointsPaid: bigint('points_paid', { mode: 'number' }).notNull().default(0),
    pointsRefunded: bigint('points_refunded', { mode: 'number' }).notNull().default(0),
    placedAt: timestamp('placed_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex('orders_cart_idempotency_key').on(table.cartId, table.idempotencyKey),
    // `Customer.orders`: keyset pages of a customer's orders, oldest first.
    index('orders_customer_id_id_idx').on(table.customerId, table.id),
    // `StaffMember.sales`: keyset pages of the orders credited to a staff member, newest first.
    index('orders_staff_id_placed_at_id_idx').on(table.staffId, table.placedAt.desc(), table.id.desc()),
    check('orders_fulfillment_method_check', sql`fulfillment_method in (${inList(FULFILLMENT_METHODS)})`),
    check('orders_fulfillment_status_check', sql`fulfillment_status in (${inList(FULFILLMENT_STATUSES)})`),
    check('orders_shipping_rate_check', sql`shipping_rate is null or shipping_rate in (${inList(SHIPPING_RATE_CODES)})`),
    check('orders_payment_provider_check', sql`payment_provider in (${inList(PAYMENT_PROVIDERS)})`),
    check('orders_payment_status_check', sql`payment_status in (${inList(PAYMENT_STATUSES)})`),
    check('orders_reservation_state_check', sql`reservation_state in (${inList(RESERVATION_STATES)})`),
    check('orders_promotion_hold_check', sql`(promotion_hold_id is null) = (promotion_hold_state is null) and (promotion_hold_state is null or promotion_hold_state in (${inList(PROMOTION_HOLD_STATES)}))`),
    check('orders_totals_check', sql`subtotal_minor >= 0 and discount_minor >= 0 and shipping_minor >= 0 and total_minor = subtotal_minor - discount_minor + shipping_minor and total_minor >= 0`),
    check('orders_payment_amounts_check', sql`captured_minor between 0 and total_minor - points_paid and refunded_minor between 0 and captured_minor`),
    check('orders_points_check', sql`points_paid between 0 and total_minor and points_refunded between 0 and points_paid`),
  ],
);

export const orderLines = cartSchema.table(
  'order_lines',
  {
    id: text('id').primaryKey(),
    orderId: text('order_id')
      .notNull()
      .references(() => orders.id, { onDelete: 'cascade' }),
    variantId: text('variant_id').notNull(),
    quantity: integer('quantity').notNull(),
    unitPriceMinor: bigint('unit_price_minor', { mode: 'number' }).notNull(),
    discountMinor: bigint('discount_minor', { mode: 'number' }).notNull(),
    // What the shopper paid for the whole line: the ceiling of every refund on it.
    paidMinor: bigint('paid_minor', { mode: 'number' }).notNull(),
    currencyCode: text('currency_code').notNull(),
    addedInChannel: text('added_in_channel').$type<Channel>().notNull(),
    addedByStaffId: text('added_by_staff_id'),
    returnedQuantity: integer('returned_quantity').notNull().default(0),
    refundedMinor: bigint('refunded_minor', { mode: 'number' }).notNull().default(0),
    // The line's share of the order's points (in proportion to `paid`), and the part of
    // `refunded` credited back as points.
    pointsPaid: bigint('points_paid', { mode: 'number' }).notNull().default(0),
    pointsRefunded: bigint('points_refunded', { mode: 'number' }).notNull().default(0),
  },
  (table) => [
    index('order_lines_order_id_id_idx').on(table.orderId, table.id),
    // The ceiling of every return: never more units than bought, never more money than paid.
    check('order_lines_returns_check', sql`returned_quantity between 0 and quantity and refunded_minor between 0 and paid_minor`),
    check('order_lines_quantity_check', sql`quantity between 1 and ${sql.raw(String(MAX_LINE_QUANTITY))}`),
    check('order_lines_points_check', sql`points_paid between 0 and paid_minor and points_refunded between 0 and points_paid and points_refunded <= refunded_minor`),
    check('order_lines_amounts_check', sql`unit_price_minor >= 0 and discount_minor >= 0 and paid_minor = unit_price_minor * quantity - discount_minor and paid_minor >= 0`),
  ],
);

/** A return taken at one location: what came back and what was refunded for it. */
export const orderReturns = cartSchema.table(
  'order_returns',
  {
    id: text('id').primaryKey(),
    orderId: text('order_id')
      .notNull()
      .references(() => orders.id, { onDelete: 'cascade' }),
    idempotencyKey: text('idempotency_key').notNull(),
    requestHash: text('request_hash').notNull(),
    locationId: text('location_id').notNull(),
    staffId: text('staff_id'),
    channel: text('channel').$type<Channel>().notNull(),
    reason: text('reason'),
    refundMinor: bigint('refund_minor', { mode: 'number' }).notNull(),
    // The part of `refund_minor` credited back as loyalty points; the payment provider refunds the rest.
    refundPoints: bigint('refund_points', { mode: 'number' }).notNull().default(0),
    currencyCode: text('currency_code').notNull(),
    // Set once the money went back and the units were restocked; until then a replay finishes it.
    settledAt: timestamp('settled_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex('order_returns_order_idempotency_key').on(table.orderId, table.idempotencyKey),
    index('order_returns_order_id_id_idx').on(table.orderId, table.id),
    check('order_returns_refund_check', sql`refund_minor >= 0 and refund_points between 0 and refund_minor`),
  ],
);

export const orderReturnLines = cartSchema.table(
  'order_return_lines',
  {
    id: text('id').primaryKey(),
    returnId: text('return_id')
      .notNull()
      .references(() => orderReturns.id, { onDelete: 'cascade' }),
    orderLineId: text('order_line_id')
      .notNull()
      .references(() => orderLines.id, { onDelete: 'cascade' }),
    variantId: text('variant_id').notNull(),
    quantity: integer('quantity').notNull(),
    refundMinor: bigint('refund_minor', { mode: 'number' }).notNull(),
    refundPoints: bigint('refund_points', { mode: 'number' }).notNull().default(0),
  },
  (table) => [
    index('order_return_lines_return_id_id_idx').on(table.returnId, table.id),
    check('order_return_lines_quantity_check', sql`quantity >= 1 and refund_minor >= 0 and refund_points between 0 and refund_minor`),
  ],
);

/** Domain events (`cart.changed` written with the change they describe; see @omni/events. */
export const outboxEvents = createOutboxTable(cartSchema);

/** Customer events this subgraph has applied (`customer.merged`, `customer.signed_in`); see @omni/events. */
export const processedEvents = createProcessedEventsTable(cartSchema);

/**
 * Customers merged into another one. Access tokens outlive a merge, so a caller may still present
 * the merged id; the cart follows this to the survivor, and only where the direct lookup missed.
 */
export const customerAliases = cartSchema.table(
  'customer_aliases',
  {
    mergedId: text('merged_id').primaryKey(),
    survivorId: text('survivor_id').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    // Re-pointing aliases when a survivor is itself merged later.
    index('customer_aliases_survivor_id_idx').on(table.survivorId),
    check('customer_aliases_not_self_check', sql`merged_id <> survivor_id`),
  ],
);

export const tables = {
  carts,
  cartLines,
  orders,
  orderLines,
  orderReturns,
  orderReturnLines,
  outboxEvents,
  processedEvents,
  customerAliases,
};
export type CartRow = typeof carts.$inferSelect;
export type CartLineRow = typeof cartLines.$inferSelect;
export type OrderRow = typeof orders.$inferSelect;
export type OrderLineRow = typeof orderLines.$inferSelect;
export type OrderReturnRow = typeof orderReturns.$inferSelect;
export type OrderReturnLineRow = typeof orderReturnLines.$inferSelect;
export type CustomerAliasRow = typeof customerAliases.$inferSelect;
