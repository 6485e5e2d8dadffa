import { sql } from 'drizzle-orm';
import { bigint, check, index, integer, pgSchema, text, timestamp } from 'drizzle-orm/pg-core';

/** Everything the promotions subgraph stores lives in its own Postgres schema. */
export const promotionsSchema = pgSchema('promotions');

export const PROMOTION_KINDS = ['PERCENTAGE_OFF_ORDER', 'FIXED_AMOUNT_OFF_ORDER'] as const;
export type PromotionKind = (typeof PROMOTION_KINDS)[number];

export const PROMOTION_STATUSES = ['ACTIVE', 'PAUSED', 'ARCHIVED'] as const;
export type PromotionStatus = (typeof PROMOTION_STATUSES)[number];

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
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    check('promotions_kind_check', sql`${table.kind} in ('PERCENTAGE_OFF_ORDER', 'FIXED_AMOUNT_OFF_ORDER')`),
    check('promotions_status_check', sql`${table.status} in ('ACTIVE', 'PAUSED', 'ARCHIVED')`),
    // The service validates too; these keep a bad write from any path from giving money away.
    check(
      'promotions_value_check',
      sql`(${table.kind} = 'PERCENTAGE_OFF_ORDER' and ${table.percentOff} between 1 and 100 and ${table.amountOffMinor} is null)
        or (${table.kind} = 'FIXED_AMOUNT_OFF_ORDER' and ${table.amountOffMinor} > 0 and ${table.percentOff} is null)`,
    ),
    check('promotions_minimum_subtotal_check', sql`${table.minimumSubtotalMinor} is null or ${table.minimumSubtotalMinor} >= 0`),
    check('promotions_window_check', sql`${table.startsAt} is null or ${table.endsAt} is null or ${table.endsAt} > ${table.startsAt}`),
    // Pricing every cart reads the active promotions of one currency; the index keeps that read small.
    index('promotions_active_currency_idx').on(table.currencyCode).where(sql`${table.status} = 'ACTIVE'`),
  ],
);

export const tables = { promotions };
export type PromotionRow = typeof promotions.$inferSelect;
export type NewPromotionRow = typeof promotions.$inferInsert;
