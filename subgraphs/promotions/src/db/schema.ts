import { sql } from 'drizzle-orm';
import { bigint, check, index, integer, jsonb, pgSchema, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { createProcessedEventsTable } from '@omni/events';
import type { StoredPromotionRules } from '../services/engine/stored-rules';

/** Everything the promotions subgraph stores lives in its own Postgres schema. */
export const promotionsSchema = pgSchema('promotions');

/**
 * What a promotion gives, one kind per action of the engine. The first two predate stored rules:
 * such rows may have no `rules` and are priced from `percent_off` / `amount_off_minor` alone.
 */
export const PROMOTION_KINDS = [
  'PERCENTAGE_OFF_ORDER',
  'FIXED_AMOUNT_OFF_ORDER',
  'TIERED_SPEND',
  'PERCENTAGE_OFF_PRODUCTS',
  'FIXED_AMOUNT_OFF_PRODUCTS',
  'BUY_X_GET_Y',
  'BUNDLE_FIXED_PRICE',
  'FREE_SHIPPING',
  'GIFT',
] as const;
export type PromotionKind = (typeof PROMOTION_KINDS)[number];

export const PROMOTION_STATUSES = ['ACTIVE', 'PAUSED', 'ARCHIVED'] as const;
export type PromotionStatus = (typeof PROMOTION_STATUSES)[number];

/** What a customer did that issues them a personal offer made from a template promotion. */
export const OFFER_TRIGGERS = ['FIRST_ORDER', 'ENGAGED_WITH_PRODUCT'] as const;
export type OfferTrigger = (typeof OFFER_TRIGGERS)[number];

export const promotions = promotionsSchema.table(
  'promotions',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    description: text('description'),
    kind: text('kind').$type<PromotionKind>().notNull(),
    /** Set only for PERCENTAGE_OFF_ORDER. */
    percentOff: integer('percent_off'),
    /** Set only for FIXED_AMOUNT_OFF_ORDER, in minor units of `currency_code`. */
    amountOffMinor: bigint('amount_off_minor', { mode: 'number' }),
    /** Null means no minimum. */
    minimumSubtotalMinor: bigint('minimum_subtotal_minor', { mode: 'number' }),
    /** A promotion applies only to carts in this currency, so amounts never need conversion. */
    currencyCode: text('currency_code').notNull(),
    /** Empty means every channel. */
    channels: text('channels').array().notNull().default(sql`'{}'::text[]`),
    startsAt: timestamp('starts_at', { withTimezone: true }),
    endsAt: timestamp('ends_at', { withTimezone: true }),
    status: text('status').$type<PromotionStatus>().notNull(),
    /** Most uses in total (confirmed and pending holds); null means unlimited. */
    usageLimit: integer('usage_limit'),
    /** Most uses by one customer; null means unlimited. Guests are not limited by it. */
    usageLimitPerCustomer: integer('usage_limit_per_customer'),
    /** Most discount the promotion may give in total, in minor units of `currency_code`; null means no cap. */
    budgetMinor: bigint('budget_minor', { mode: 'number' }),
    /**
     * Conditions, action, stacking, priority, locations and coupon requirement, as the engine
     * reads them; validated by `validatePromotionDefinition` before every write. Null for rows
     * stored before rules existed (their kind, value and minimum say everything).
     */
    rules: jsonb('rules').$type<StoredPromotionRules>(),
    /**
     * Set on the template of a personal offer: what issues it. A template is never priced itself;
     * each customer it is issued to gets a copy of their own.
     */
    offerTrigger: text('offer_trigger').$type<OfferTrigger>(),
    /** Set with `offer_trigger`: how many days an issued offer lasts. */
    offerValidDays: integer('offer_valid_days'),
    /**
     * Set on a personal offer's own promotion: the one customer (after merges) it is for. Such
     * promotions are priced only on carts that carry their code, never loaded for every cart.
     */
    ownerCustomerId: text('owner_customer_id'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    check(
      'promotions_kind_check',
      sql`${table.kind} in ('PERCENTAGE_OFF_ORDER', 'FIXED_AMOUNT_OFF_ORDER', 'TIERED_SPEND', 'PERCENTAGE_OFF_PRODUCTS', 'FIXED_AMOUNT_OFF_PRODUCTS', 'BUY_X_GET_Y', 'BUNDLE_FIXED_PRICE', 'FREE_SHIPPING', 'GIFT')`,
    ),
    check('promotions_status_check', sql`${table.status} in ('ACTIVE', 'PAUSED', 'ARCHIVED')`),
    // The service validates too; these keep a bad write from any path from giving money away.
    check(
      'promotions_value_check',
      sql`(${table.kind} = 'PERCENTAGE_OFF_ORDER' and ${table.percentOff} between 1 and 100 and ${table.amountOffMinor} is null)
        or (${table.kind} = 'FIXED_AMOUNT_OFF_ORDER' and ${table.amountOffMinor} > 0 and ${table.percentOff} is null)
        or (${table.kind} not in ('PERCENTAGE_OFF_ORDER', 'FIXED_AMOUNT_OFF_ORDER') and ${table.rules} is not null and ${table.percentOff} is null and ${table.amountOffMinor} is null)`,
    ),
    check('promotions_minimum_subtotal_check', sql`${table.minimumSubtotalMinor} is null or ${table.minimumSubtotalMinor} >= 0`),
    check('promotions_window_check', sql`${table.startsAt} is null or ${table.endsAt} is null or ${table.endsAt} > ${table.startsAt}`),
    // A limit of 0 would be a promotion that can never apply; pausing says that more clearly.
    check(
      'promotions_usage_limits_check',
      sql`(${table.usageLimit} is null or ${table.usageLimit} > 0)
        and (${table.usageLimitPerCustomer} is null or ${table.usageLimitPerCustomer} > 0)
        and (${table.budgetMinor} is null or ${table.budgetMinor} > 0)`,
    ),
    check(
      'promotions_offer_template_check',
      sql`(${table.offerTrigger} is null) = (${table.offerValidDays} is null)
        and (${table.offerTrigger} is null or (${table.offerTrigger} in ('FIRST_ORDER', 'ENGAGED_WITH_PRODUCT') and ${table.offerValidDays} between 1 and 365))
        and (${table.offerTrigger} is null or ${table.ownerCustomerId} is null)`,
    ),
    // Pricing every cart reads the active shared promotions of one currency; personal offers and
    // templates (as many as customers) stay out of that index.
    index('promotions_active_currency_idx').on(table.currencyCode).where(sql`${table.status} = 'ACTIVE' and ${table.offerTrigger} is null and ${table.ownerCustomerId} is null`),
    // One active template per trigger, so issuing never has to choose.
    uniqueIndex('promotions_active_offer_trigger_key').on(table.offerTrigger).where(sql`${table.status} = 'ACTIVE' and ${table.offerTrigger} is not null`),
  ],
);

export const USAGE_HOLD_STATUSES = ['PENDING', 'CONFIRMED', 'RELEASED', 'EXPIRED'] as const;
export type UsageHoldStatus = (typeof USAGE_HOLD_STATUSES)[number];

/**
 * A checkout's claim on promotion uses, made before the order is written. PENDING holds count
 * against the limits until `expires_at`; CONFIRMED ones for good. A PENDING hold past its expiry
 * counts as nothing whether or not a prune has marked it EXPIRED yet.
 */
export const usageHolds = promotionsSchema.table(
  'usage_holds',
  {
    id: text('id').primaryKey(),
    /** The calling service: hold keys are unique per service. */
    service: text('service').notNull(),
    holdKey: text('hold_key').notNull(),
    /** Null for guests: per-customer limits do not apply to them. */
    customerId: text('customer_id'),
    status: text('status').$type<UsageHoldStatus>().notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    /** The order the uses went into; set on confirmation. */
    orderId: text('order_id'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    check('usage_holds_status_check', sql`${table.status} in ('PENDING', 'CONFIRMED', 'RELEASED', 'EXPIRED')`),
    check('usage_holds_order_check', sql`(${table.status} = 'CONFIRMED') = (${table.orderId} is not null)`),
    // One live hold per key: a released or lapsed hold leaves its key free for the next attempt.
    uniqueIndex('usage_holds_live_key_key').on(table.service, table.holdKey).where(sql`${table.status} in ('PENDING', 'CONFIRMED')`),
    // Pruning looks for lapsed pending holds; the partial index stays as small as the holds in flight.
    index('usage_holds_pending_expiry_idx').on(table.expiresAt).where(sql`${table.status} = 'PENDING'`),
  ],
);

/**
 * One use of one promotion by a hold. Status and expiry are copied from the hold (and changed with
 * it), so counting a promotion's uses reads this table alone, through its index.
 */
export const promotionUses = promotionsSchema.table(
  'promotion_uses',
  {
    id: text('id').primaryKey(),
    holdId: text('hold_id')
      .notNull()
      .references(() => usageHolds.id, { onDelete: 'cascade' }),
    promotionId: text('promotion_id')
      .notNull()
      .references(() => promotions.id),
    customerId: text('customer_id'),
    /** The code the use came with; single-use codes are limited by it. Null for automatic promotions. */
    couponCode: text('coupon_code'),
    /** Discount this use gives, in minor units of the promotion's currency; counts against the budget. */
    discountMinor: bigint('discount_minor', { mode: 'number' }).notNull(),
    status: text('status').$type<UsageHoldStatus>().notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  },
  (table) => [
    check('promotion_uses_discount_check', sql`${table.discountMinor} >= 0`),
    check('promotion_uses_status_check', sql`${table.status} in ('PENDING', 'CONFIRMED', 'RELEASED', 'EXPIRED')`),
    index('promotion_uses_hold_idx').on(table.holdId),
    // Counting reads only the uses that may still count.
    index('promotion_uses_counted_idx').on(table.promotionId, table.customerId).where(sql`${table.status} in ('PENDING', 'CONFIRMED')`),
    index('promotion_uses_coupon_idx').on(table.couponCode).where(sql`${table.couponCode} is not null and ${table.status} in ('PENDING', 'CONFIRMED')`),
  ],
);

/**
 * Codes that unlock a promotion: many per promotion, each unique over all promotions, stored
 * trimmed and upper-cased so a code matches whatever case it is typed in.
 */
export const couponCodes = promotionsSchema.table(
  'coupon_codes',
  {
    id: text('id').primaryKey(),
    promotionId: text('promotion_id')
      .notNull()
      .references(() => promotions.id),
    code: text('code').notNull(),
    /** Uses of this code over all customers; 1 for a single-use code, null for no limit of its own. */
    usageLimit: integer('usage_limit'),
    /** After this instant the code is EXPIRED; null: it lasts as long as its promotion. */
    expiresAt: timestamp('expires_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex('coupon_codes_code_key').on(table.code),
    index('coupon_codes_promotion_idx').on(table.promotionId, table.id),
    check('coupon_codes_usage_limit_check', sql`${table.usageLimit} is null or ${table.usageLimit} > 0`),
    // A code is compared after trimming and upper-casing; storing anything else would never match.
    check('coupon_codes_code_check', sql`${table.code} ~ '^[A-Z0-9_-]{1,64}$'`),
  ],
);

/**
 * A personal offer issued to a customer: a single-use code of its own promotion (a copy of the
 * template, for that customer only). `issued_to_customer_id` never changes and makes issuing
 * idempotent per (customer, trigger, product); `customer_id` follows merges.
 */
export const personalOffers = promotionsSchema.table(
  'personal_offers',
  {
    id: text('id').primaryKey(),
    /** The customer the offer belongs to now: the survivor after merges. */
    customerId: text('customer_id').notNull(),
    /** The customer it was issued to. */
    issuedToCustomerId: text('issued_to_customer_id').notNull(),
    trigger: text('trigger').$type<OfferTrigger>().notNull(),
    templateId: text('template_id')
      .notNull()
      .references(() => promotions.id),
    promotionId: text('promotion_id')
      .notNull()
      .references(() => promotions.id),
    /** The offer's single-use code (`coupon_codes.code`). */
    code: text('code').notNull(),
    /** The product engaged with (ENGAGED_WITH_PRODUCT); null for a welcome offer. */
    productId: text('product_id'),
    /** The event that issued it. */
    sourceEventId: text('source_event_id').notNull(),
    issuedAt: timestamp('issued_at', { withTimezone: true }).notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  },
  (table) => [
    check('personal_offers_trigger_check', sql`${table.trigger} in ('FIRST_ORDER', 'ENGAGED_WITH_PRODUCT')`),
    check('personal_offers_product_check', sql`(${table.trigger} = 'ENGAGED_WITH_PRODUCT') = (${table.productId} is not null)`),
    // Once per customer (welcome) or per customer and product (engagement), whatever the redeliveries.
    uniqueIndex('personal_offers_issue_key').on(table.issuedToCustomerId, table.trigger, sql`coalesce(${table.productId}, '')`),
    uniqueIndex('personal_offers_promotion_key').on(table.promotionId),
    index('personal_offers_customer_idx').on(table.customerId, table.issuedAt),
  ],
);

/** Customer ids merged into another, from `customer.merged`: a token from before a merge still reaches the survivor's offers. */
export const customerAliases = promotionsSchema.table('customer_aliases', {
  mergedId: text('merged_id').primaryKey(),
  survivorId: text('survivor_id').notNull(),
});

/** Customer events this subgraph has applied; see @omni/events. */
export const processedEvents = createProcessedEventsTable(promotionsSchema);

export const tables = { promotions, usageHolds, promotionUses, couponCodes, personalOffers, customerAliases, processedEvents };
export type PromotionRow = typeof promotions.$inferSelect;
export type NewPromotionRow = typeof promotions.$inferInsert;
export type UsageHoldRow = typeof usageHolds.$inferSelect;
export type PromotionUseRow = typeof promotionUses.$inferSelect;
export type CouponCodeRow = typeof couponCodes.$inferSelect;
export type PersonalOfferRow = typeof personalOffers.$inferSelect;
