import { boolean, index, pgSchema, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

/** Everything the customer subgraph stores lives in its own Postgres schema. */
export const customerSchema = pgSchema('customer');

export const customers = customerSchema.table('customers', {
  id: text('id').primaryKey(),
  firstName: text('first_name'),
  lastName: text('last_name'),
  locale: text('locale'),
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

export const tables = { customers, identities, staffMembers };
export type CustomerRow = typeof customers.$inferSelect;
export type IdentityRow = typeof identities.$inferSelect;
export type StaffMemberRow = typeof staffMembers.$inferSelect;
