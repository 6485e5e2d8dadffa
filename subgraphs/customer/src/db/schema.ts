import { sql } from 'drizzle-orm';
import { bigint, boolean, check, index, integer, jsonb, pgSchema, primaryKey, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { createOutboxTable, createProcessedEventsTable } from '@omni/events';

/** Everything the customer subgraph stores lives in its own Postgres schema. */
export const customerSchema = pgSchema('customer');

export const customers = customerSchema.table('customers', {
  id: text('id').primaryKey(),
  firstName: text('first_name'),
  lastName: text('last_name'),
  locale: text('locale'),
  /**
   * Set when this record was merged into another: the id keeps resolving to the survivor.
   * Always points at a record that is not merged itself (merges rewrite older pointers).
   */
  mergedIntoId: text('merged_into_id'),
  /** Set by `eraseCustomer`: personal data is gone, the id stays for financial records. */
  erasedAt: timestamp('erased_at', { withTimezone: true }),
  /** When `customer.first_order` was published: once per customer, even if the timeline is erased later. */
  firstOrderPublishedAt: timestamp('first_order_published_at', { withTimezone: true }),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

export const identities = customerSchema.table(
  'identities',
  {
    id: text('id').primaryKey(),
    customerId: text('customer_id')
      .notNull()
      .references(() => customers.id),
    kind: text('kind').notNull(),
    value: text('value').notNull(),
    channel: text('channel').notNull(),
    verified: boolean('verified').notNull().default(false),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    // One identifier belongs to one person: the basis of identity resolution.
    uniqueIndex('identities_kind_value_key').on(table.kind, table.value),
    index('identities_customer_id_idx').on(table.customerId),
  ],
);

export const staffMembers = customerSchema.table('staff_members', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  role: text('role').notNull(),
  homeLocationId: text('home_location_id').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

/** Every merge, automatic or by hand; `merged_id` is unique, so a replayed merge finds its record. */
export const customerMerges = customerSchema.table(
  'customer_merges',
  {
    id: text('id').primaryKey(),
    survivorId: text('survivor_id')
      .notNull()
      .references(() => customers.id),
    mergedId: text('merged_id')
      .notNull()
      .references(() => customers.id),
    reason: text('reason').notNull(),
    /** Staff id, service name or `identity-resolution`. */
    mergedBy: text('merged_by').notNull(),
    /** How many rows of each kind moved to the survivor. */
    moved: jsonb('moved').$type<Record<string, number>>().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [uniqueIndex('customer_merges_merged_id_key').on(table.mergedId), index('customer_merges_survivor_id_idx').on(table.survivorId)],
);

export const TOUCHPOINT_KINDS = [
  'PRODUCT_VIEWED',
  'CART_CHANGED',
  'CART_ABANDONED',
  'CART_REMINDER',
  'ORDER_PLACED',
  'MESSAGE_SENT',
  'CALL_LOGGED',
  'STORE_VISIT',
  'FORM_SUBMITTED',
] as const;
export type TouchpointKind = (typeof TOUCHPOINT_KINDS)[number];

export const timelineEntries = customerSchema.table(
  'timeline_entries',
  {
    id: text('id').primaryKey(),
    customerId: text('customer_id')
      .notNull()
      .references(() => customers.id),
    kind: text('kind').$type<TouchpointKind>().notNull(),
    channel: text('channel').notNull(),
    /** Messenger or social provider (TELEGRAM, VK…) when the touchpoint came through one. */
    provider: text('provider'),
    summary: text('summary').notNull(),
    productId: text('product_id'),
    /** Order total of ORDER_PLACED entries, in minor units of `currency_code`; feeds spend segments. */
    amountMinor: bigint('amount_minor', { mode: 'number' }),
    currencyCode: text('currency_code'),
    /** The domain event this entry came from; unique, a second line of defence against duplicates. */
    sourceEventId: text('source_event_id'),
    // Written from the application clock at millisecond precision so keyset cursors compare exactly.
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull(),
  },
  (table) => [
    index('timeline_entries_customer_time_idx').on(table.customerId, table.occurredAt, table.id),
    uniqueIndex('timeline_entries_source_event_key').on(table.sourceEventId),
    // Serves the product-interest segment: touchpoints about a product in a recent window.
    index('timeline_entries_customer_product_idx').on(table.customerId, table.productId, table.occurredAt).where(sql`product_id is not null`),
  ],
);

export const recentlyViewed = customerSchema.table(
  'recently_viewed',
  {
    customerId: text('customer_id')
      .notNull()
      .references(() => customers.id),
    productId: text('product_id').notNull(),
    channel: text('channel').notNull(),
    viewedAt: timestamp('viewed_at', { withTimezone: true }).notNull(),
  },
  (table) => [primaryKey({ columns: [table.customerId, table.productId] }), index('recently_viewed_customer_time_idx').on(table.customerId, table.viewedAt)],
);

export const CONSENT_PURPOSES = ['MARKETING', 'PERSONALISATION', 'ANALYTICS'] as const;
export type ConsentPurpose = (typeof CONSENT_PURPOSES)[number];
export const CONTACT_CHANNELS = ['ANY', 'EMAIL', 'SMS', 'PHONE_CALL', 'PUSH', 'TELEGRAM', 'VK', 'WHATSAPP', 'POST'] as const;
export type ContactChannel = (typeof CONTACT_CHANNELS)[number];

/** Append-only: the current consent is the latest record per purpose and contact channel. */
export const consentRecords = customerSchema.table(
  'consent_records',
  {
    id: text('id').primaryKey(),
    customerId: text('customer_id')
      .notNull()
      .references(() => customers.id),
    purpose: text('purpose').$type<ConsentPurpose>().notNull(),
    contactChannel: text('contact_channel').$type<ContactChannel>().notNull(),
    granted: boolean('granted').notNull(),
    /** Where the decision was taken, e.g. `web-checkout-checkbox`, `call-center`. */
    source: text('source').notNull(),
    channel: text('channel').notNull(),
    /** Customer, staff or service id that recorded it. */
    recordedBy: text('recorded_by').notNull(),
    recordedAt: timestamp('recorded_at', { withTimezone: true }).notNull(),
  },
  (table) => [index('consent_records_customer_idx').on(table.customerId, table.id)],
);

export const loyaltyAccounts = customerSchema.table(
  'loyalty_accounts',
  {
    customerId: text('customer_id')
      .primaryKey()
      .references(() => customers.id),
    balance: integer('balance').notNull().default(0),
    lifetimeEarned: integer('lifetime_earned').notNull().default(0),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [check('loyalty_accounts_balance_check', sql`${table.balance} >= 0`)],
);

export const LOYALTY_ENTRY_KINDS = ['EARN', 'REDEEM', 'EXPIRE', 'PAYMENT', 'PAYMENT_REFUND', 'RETURN_REVERSAL', 'RETURN_REFUND'] as const;
export type LoyaltyEntryKind = (typeof LOYALTY_ENTRY_KINDS)[number];
/** Entries that are lots: they hold spendable `remaining` points until spent or expired. */
export const LOYALTY_LOT_KINDS = ['EARN', 'RETURN_REFUND'] as const satisfies readonly LoyaltyEntryKind[];

/** The points ledger; the account balance is the sum of `points` and is kept with it in one transaction. */
export const loyaltyEntries = customerSchema.table(
  'loyalty_entries',
  {
    id: text('id').primaryKey(),
    customerId: text('customer_id')
      .notNull()
      .references(() => customers.id),
    kind: text('kind').$type<LoyaltyEntryKind>().notNull(),
    /** Signed: positive for EARN, PAYMENT_REFUND and RETURN_REFUND, negative for the others. */
    points: integer('points').notNull(),
    /** Lots (EARN, RETURN_REFUND) only: points of this lot not yet spent or expired (spending uses the lots expiring first). */
    remaining: integer('remaining').notNull().default(0),
    expiresAt: timestamp('expires_at', { withTimezone: true }),
    reason: text('reason').notNull(),
    channel: text('channel').notNull(),
    idempotencyKey: text('idempotency_key'),
    /** The order the movement belongs to (earned on it, paid towards it, taken or given back on its return). */
    orderId: text('order_id'),
    /** RETURN_REVERSAL only: points the return should have taken back but the balance no longer held (forgiven). */
    unreversedPoints: integer('unreversed_points').notNull().default(0),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    check('loyalty_entries_kind_check', sql`${table.kind} in ('EARN', 'REDEEM', 'EXPIRE', 'PAYMENT', 'PAYMENT_REFUND', 'RETURN_REVERSAL', 'RETURN_REFUND')`),
    check('loyalty_entries_remaining_check', sql`${table.remaining} >= 0`),
    uniqueIndex('loyalty_entries_idempotency_key').on(table.idempotencyKey),
    index('loyalty_entries_customer_idx').on(table.customerId, table.id),
  ],
);

/**
 * What loyalty knows of each order of a customer: filled by `order.placed` (money paid, points paid
 * and earned) and by `order.returned` (money refunded so far, points taken back so far). A return
 * that arrives before its order's placement creates the row unplaced; the placement then takes
 * back at once what the returns already refunded.
 */
export const loyaltyOrders = customerSchema.table('loyalty_orders', {
  orderId: text('order_id').primaryKey(),
  /** As the producer named it; resolved to the survivor of merges when points move. */
  customerId: text('customer_id').notNull(),
  currencyCode: text('currency_code').notNull(),
  /** Set once `order.placed` was applied. */
  placedAt: timestamp('placed_at', { withTimezone: true }),
  /** Order total minus the value of the points paid, in minor units: what earns points. */
  moneyPaidMinor: bigint('money_paid_minor', { mode: 'number' }).notNull().default(0),
  pointsPaid: integer('points_paid').notNull().default(0),
  earnedPoints: integer('earned_points').notNull().default(0),
  refundedMoneyMinor: bigint('refunded_money_minor', { mode: 'number' }).notNull().default(0),
  /** Points of `earned_points` accounted for by returns, taken back or forgiven. */
  reversedPoints: integer('reversed_points').notNull().default(0),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/** Each return applied to loyalty, once: its id is the key, whatever event brought it. */
export const loyaltyOrderReturns = customerSchema.table(
  'loyalty_order_returns',
  {
    returnId: text('return_id').primaryKey(),
    orderId: text('order_id').notNull(),
    refundMoneyMinor: bigint('refund_money_minor', { mode: 'number' }).notNull(),
    refundPoints: integer('refund_points').notNull(),
    reversedPoints: integer('reversed_points').notNull(),
    unreversedPoints: integer('unreversed_points').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [index('loyalty_order_returns_order_idx').on(table.orderId)],
);

export const LOYALTY_PAYMENT_STATUSES = ['PAID', 'REFUNDED', 'VOIDED'] as const;
export type LoyaltyPaymentStatus = (typeof LOYALTY_PAYMENT_STATUSES)[number];

/**
 * Points paid at checkout, one row per calling service and idempotency key. A refund that finds no
 * payment leaves a VOIDED row, so a payment still in flight with that key cannot land after it.
 */
export const loyaltyPayments = customerSchema.table(
  'loyalty_payments',
  {
    service: text('service').notNull(),
    idempotencyKey: text('idempotency_key').notNull(),
    /** As the caller named it; null for a VOIDED row. */
    customerId: text('customer_id'),
    points: integer('points').notNull().default(0),
    orderReference: text('order_reference'),
    status: text('status').$type<LoyaltyPaymentStatus>().notNull(),
    /** The lots the points came from, so a refund gives them back with their own expiry. */
    takes: jsonb('takes').$type<{ lotId: string; points: number }[]>().notNull().default([]),
    paymentEntryId: text('payment_entry_id'),
    refundEntryId: text('refund_entry_id'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    refundedAt: timestamp('refunded_at', { withTimezone: true }),
  },
  (table) => [
    primaryKey({ columns: [table.service, table.idempotencyKey] }),
    check('loyalty_payments_status_check', sql`${table.status} in ('PAID', 'REFUNDED', 'VOIDED')`),
  ],
);

/** One-time sign-in codes: only a hash is stored; a challenge is consumed once and allows few attempts. */
export const signInChallenges = customerSchema.table(
  'sign_in_challenges',
  {
    id: text('id').primaryKey(),
    kind: text('kind').notNull(),
    value: text('value').notNull(),
    codeHash: text('code_hash').notNull(),
    channel: text('channel').notNull(),
    /** The guest's anonymous id when a guest asked: linked to the customer on sign-in. */
    guestId: text('guest_id'),
    attempts: integer('attempts').notNull().default(0),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    consumedAt: timestamp('consumed_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [index('sign_in_challenges_identifier_idx').on(table.kind, table.value, table.createdAt)],
);

/**
 * Shared hit counters of the sign-in limits, one row per limit and subject (a hashed identifier or
 * client): every instance of the subgraph counts in the same row, so a limit holds however many run.
 */
export const rateLimitCounters = customerSchema.table(
  'rate_limit_counters',
  {
    key: text('key').primaryKey(),
    hits: integer('hits').notNull(),
    /** The window restarts at the first hit after this. */
    windowEndsAt: timestamp('window_ends_at', { withTimezone: true }).notNull(),
  },
  (table) => [index('rate_limit_counters_window_ends_at_idx').on(table.windowEndsAt)],
);

export const outboxEvents = createOutboxTable(customerSchema);
export const processedEvents = createProcessedEventsTable(customerSchema);

export const tables = {
  customers,
  identities,
  staffMembers,
  customerMerges,
  timelineEntries,
  recentlyViewed,
  consentRecords,
  loyaltyAccounts,
  loyaltyEntries,
  loyaltyOrders,
  loyaltyOrderReturns,
  loyaltyPayments,
  signInChallenges,
  rateLimitCounters,
  outboxEvents,
  processedEvents,
};
export type SignInChallengeRow = typeof signInChallenges.$inferSelect;
export type CustomerRow = typeof customers.$inferSelect;
export type IdentityRow = typeof identities.$inferSelect;
export type StaffMemberRow = typeof staffMembers.$inferSelect;
export type CustomerMergeRow = typeof customerMerges.$inferSelect;
export type TimelineEntryRow = typeof timelineEntries.$inferSelect;
export type RecentlyViewedRow = typeof recentlyViewed.$inferSelect;
export type ConsentRecordRow = typeof consentRecords.$inferSelect;
export type LoyaltyAccountRow = typeof loyaltyAccounts.$inferSelect;
export type LoyaltyEntryRow = typeof loyaltyEntries.$inferSelect;
export type LoyaltyOrderRow = typeof loyaltyOrders.$inferSelect;
export type LoyaltyPaymentRow = typeof loyaltyPayments.$inferSelect;
