import { and, asc, eq, getTableColumns, gt, inArray, or, sql, type WithSubquery } from 'drizzle-orm';
import type { WithSubqueryWithSelection } from 'drizzle-orm/pg-core';
import { recordOutboxWrite } from '@omni/events';
import { findFirstRowsPerParentPrepared, isAnyOf, preparedOnce, type PreparedChildPageQuery } from '@omni/db';
import type { CartDb } from './database';
import { cartLines, carts, customerAliases, orders, outboxEvents, type CartLineRow, type CartRow } from './schema';

const cartColumns = getTableColumns(carts);

export function findCartsByIds(db: CartDb, ids: readonly string[]): Promise<CartRow[]> {
  return preparedOnce(db, 'cartsByIds', (on) => on.select().from(carts).where(isAnyOf(carts.id)).prepare('cart_carts_by_ids')).execute({ keys: ids });
}

/**
 * The active cart of each customer id asked for, in one statement. A merged id answers with its
 * survivor's cart (`merged_id` set): access tokens outlive a merge, and the cart went over.
 */
export function findActiveCartsByCustomerIds(db: CartDb, customerIds: readonly string[]): Promise<{ cart: CartRow; mergedId: string | null }[]> {
  return preparedOnce(db, 'activeCartsByCustomerIds', (on) => {
    const survivorsOfAsked = on.select({ survivorId: customerAliases.survivorId }).from(customerAliases).where(isAnyOf(customerAliases.mergedId));
    return on
      .select({ cart: carts, mergedId: customerAliases.mergedId })
      .from(carts)
      .leftJoin(customerAliases, and(eq(customerAliases.survivorId, carts.customerId), isAnyOf(customerAliases.mergedId)))
      .where(and(eq(carts.status, 'ACTIVE'), or(isAnyOf(carts.customerId), inArray(carts.customerId, survivorsOfAsked))))
      .prepare('cart_active_carts_by_customer_ids');
  }).execute({ keys: customerIds });
}

/**
 * Up to `limit + 1` lines of each cart after the cursor, in creation order: the window function
 * cuts every cart's page in the same statement, so a page of many carts is one query.
 */
export function findLinePages(
  db: CartDb,
  cartIds: readonly string[],
  page: { limit: number; after: string | null },
): Promise<CartLineRow[]> {
  const limit = page.limit + 1;
  if (page.after === null) return findFirstRowsPerParentPrepared(db, 'cart_line_pages', linePages(false), { keys: cartIds, limit });
  return findFirstRowsPerParentPrepared(db, 'cart_line_pages_after', linePages(true), { keys: cartIds, after: page.after, limit });
}

/** The two shapes of `findLinePages`, first page or after a cursor, with their values as placeholders. */
const linePages =
  (afterCursor: boolean) => (): PreparedChildPageQuery<typeof cartLines> => ({
    table: cartLines,
    parent: cartLines.cartId,
    where: and(isAnyOf(cartLines.cartId), afterCursor ? gt(cartLines.id, sql.placeholder('after')) : undefined),
    orderBy: [asc(cartLines.id)],
    limit: sql.placeholder('limit'),
  });

export async function findActiveCartOfOwner(db: CartDb, owner: { customerId: string } | { guestId: string }): Promise<CartRow | null> {
  const [row] =
    'customerId' in owner
      ? await preparedOnce(db, 'activeCartOfCustomer', (on) =>
          on.select().from(carts).where(and(eq(carts.customerId, sql.placeholder('owner')), eq(carts.status, 'ACTIVE'))).prepare('cart_active_cart_of_customer'),
        ).execute({ owner: owner.customerId })
      : await preparedOnce(db, 'activeCartOfGuest', (on) =>
          on.select().from(carts).where(and(eq(carts.guestId, sql.placeholder('owner')), eq(carts.status, 'ACTIVE'))).prepare('cart_active_cart_of_guest'),
        ).execute({ owner: owner.guestId });
  return row ?? null;
}

/**
 * What checkout starts from, read by one statement: the cart and all its lines (oldest first),
 * from the same snapshot, so the lines are exactly those of the version read, which checkout then
 * holds the cart to; and the id of the order an earlier attempt with this idempotency key placed
 * (null when there is none), which checkout answers again.
 */
export async function findCartForCheckout(db: CartDb, id: string, idempotencyKey: string): Promise<{ cart: CartRow | null; lines: CartLineRow[]; earlierOrderId: string | null }> {
  const rows = await preparedOnce(db, 'cartForCheckout', (on) =>
    on
      .select({
        cart: carts,
        line: cartLines,
        earlierOrderId: sql<string | null>`(select ${orders.id} from ${orders} where ${orders.cartId} = ${sql.placeholder('id')} and ${orders.idempotencyKey} = ${sql.placeholder('idempotencyKey')})`,
      })
      .from(carts)
      .leftJoin(cartLines, eq(cartLines.cartId, carts.id))
      .where(eq(carts.id, sql.placeholder('id')))
      .orderBy(asc(cartLines.id))
      .prepare('cart_cart_for_checkout'),
  ).execute({ id, idempotencyKey });
  const [first] = rows;
  if (!first) return { cart: null, lines: [], earlierOrderId: null };
  return { cart: first.cart, lines: rows.flatMap((row) => (row.line ? [row.line] : [])), earlierOrderId: first.earlierOrderId };
}

/**
 * A cart and its lines holding any of `variantIds`, read by one statement (so from one snapshot)
 * without a lock: what an addition plans with. Under the lock the cart's version tells whether the
 * lines are still these (every change of a line moves the version on).
 */
export async function findCartWithLinesOfVariants(db: CartDb, id: string, variantIds: readonly string[]): Promise<{ cart: CartRow | null; lines: CartLineRow[] }> {
  const rows = await preparedOnce(db, 'cartWithLinesOfVariants', (on) =>
    on
      .select({ cart: carts, line: cartLines })
      .from(carts)
      .leftJoin(cartLines, and(eq(cartLines.cartId, carts.id), isAnyOf(cartLines.variantId, 'variantIds')))
      .where(eq(carts.id, sql.placeholder('id')))
      .prepare('cart_cart_with_lines_of_variants'),
  ).execute({ id, variantIds });
  const [first] = rows;
  if (!first) return { cart: null, lines: [] };
  return { cart: first.cart, lines: rows.flatMap((row) => (row.line ? [row.line] : [])) };
}

/** Returns null when the owner already has an active cart (the partial unique index refused the row). */
export async function insertCartUnlessOwnerHasOne(db: CartDb, values: typeof carts.$inferInsert): Promise<CartRow | null> {
  const [row] = await db.insert(carts).values(values).onConflictDoNothing().returning();
  return row ?? null;
}

/** Locks the cart row until the transaction ends: every change to a cart or its lines takes this lock first. */
export async function lockCart(tx: CartDb, id: string): Promise<CartRow | null> {
  const [row] = await tx.select().from(carts).where(eq(carts.id, id)).for('update');
  return row ?? null;
}

export function findCartLinesByVariantIds(tx: CartDb, cartId: string, variantIds: readonly string[]): Promise<CartLineRow[]> {
  return tx
    .select()
    .from(cartLines)
    .where(and(eq(cartLines.cartId, cartId), inArray(cartLines.variantId, [...variantIds])));
}

export function findCartLinesByIds(tx: CartDb, cartId: string, lineIds: readonly string[]): Promise<CartLineRow[]> {
  return tx
    .select()
    .from(cartLines)
    .where(and(eq(cartLines.cartId, cartId), inArray(cartLines.id, [...lineIds])));
}

/**
 * Inserts new lines and overwrites quantity and price of lines already holding the variant, in
 * one statement (the rule `upsertCartLinesIfAtVersion` applies too). The caller computed the final
 * quantities under the cart lock.
 */
export async function upsertCartLines(tx: CartDb, rows: (typeof cartLines.$inferInsert)[]): Promise<void> {
  if (rows.length === 0) return;
  await tx
    .insert(cartLines)
    .values(rows)
    .onConflictDoUpdate({
      target: [cartLines.cartId, cartLines.variantId],
      set: { quantity: sql`excluded.quantity`, unitPriceMinor: sql`excluded.unit_price_minor`, updatedAt: sql`now()` },
    });
}

/**
 * The bumped cart with its `cart.changed` event written by the same statement, so the event
 * exists exactly when the change does, without a statement of its own. The payload is built from
 * the bumped row; the event occurred at the row's new `updated_at`. Placeholders: `eventId`
 * (`newId('evt')`) and `channel`, the channel the change was made in.
 */
function announcingBumped(db: CartDb, parts: WithSubquery[], bumped: WithSubqueryWithSelection<typeof cartColumns, 'bumped'>) {
  const written = db.$with('event_written', { id: outboxEvents.id }).as(
    sql`insert into ${outboxEvents} (id, type, aggregate_id, payload, occurred_at)
      select ${sql.placeholder('eventId')}, 'cart.changed', id, jsonb_build_object('cartId', id, 'customerId', customer_id, 'guestId', guest_id,
        'channel', ${sql.placeholder('channel')}::text, 'version', version, 'totalQuantity', total_quantity, 'couponCodes', to_jsonb(coupon_codes)), updated_at
      from bumped returning id`,
  );
  return db.with(...parts, bumped, written).select().from(bumped);
}

/** What the statement that bumps a cart needs to write its `cart.changed` event. */
export type CartChangedEvent = {
  /** The outbox row's id (`newId('evt')`). */
  eventId: string;
  /** The channel the change was made in. */
  channel: string;
};

/** The rows of an addition as one array per column (unnested into a table by the statement). */
const addedColumns = [
  ['id', 'text', 'ids'],
  ['variant_id', 'text', 'variantIds'],
  ['quantity', 'integer', 'quantities'],
  ['unit_price_minor', 'bigint', 'unitPrices'],
  ['currency_code', 'text', 'currencyCodes'],
  ['added_in_channel', 'text', 'addedInChannels'],
  ['added_by_staff_id', 'text', 'addedByStaffIds'],
] as const;

/**
 * Lines inserted, or given the new quantity and price where the cart already holds the variant,
 * the cart bumped with totals that count them, and the `cart.changed` event: one statement, written
 * only while the cart is still ACTIVE at `cart.version`. Run alone it needs no transaction: an
 * addition planned on a read of the cart is written only if nothing changed the cart since (every
 * change of a line moves the version on under the cart lock, so the same version means the lines
 * the plan read). The guard takes that lock: a writer that came first is waited for, and its new
 * version then fails the guard (read committed re-checks a locked row). Null when the guard
 * failed, and nothing was written. The statement's text is the same for any number of lines, so
 * it is built once per handle.
 */
export async function upsertCartLinesIfAtVersion(
  db: CartDb,
  cart: { id: string; version: number },
  rows: readonly Omit<typeof cartLines.$inferInsert, 'cartId'>[],
  event: CartChangedEvent,
): Promise<CartRow | null> {
  const statement = preparedOnce(db, 'upsertCartLinesIfAtVersion', (on) => {
    const guard = on.$with('guard', { id: carts.id }).as(
      sql`select id from ${carts} where id = ${sql.placeholder('cartId')} and version = ${sql.placeholder('version')} and status = 'ACTIVE' for update`,
    );
    const names = sql.raw(addedColumns.map(([name]) => name).join(', '));
    const arrays = sql.join(
      addedColumns.map(([, type, placeholder]) => sql`${sql.placeholder(placeholder)}::${sql.raw(type)}[]`),
      sql`, `,
    );
    const upserted = on.$with('upserted', { quantity: cartLines.quantity }).as(
      sql`insert into ${cartLines} (cart_id, ${names}) select guard.id, added.* from guard, unnest(${arrays}) as added(${names})
        on conflict (cart_id, variant_id) do update set quantity = excluded.quantity, unit_price_minor = excluded.unit_price_minor, updated_at = now()
        returning quantity, unit_price_minor`,
    );
    // Lines of other variants as the statement's snapshot has them (the guard passed, so no change
    // came between), plus the rows the upsert returns: a statement does not see its own writes.
    const others = sql`from ${cartLines} where ${cartLines.cartId} = ${carts.id} and ${cartLines.variantId} <> all(${sql.placeholder('variantIds')}::text[])`;
    const bumped = on.$with('bumped').as(
      on
        .update(carts)
        .set({
          version: sql`${carts.version} + 1`,
          updatedAt: sql`now()`,
          lineCount: sql`(select count(*)::integer ${others}) + (select count(*)::integer from upserted)`,
          totalQuantity: sql`(select coalesce(sum(${cartLines.quantity}), 0)::integer ${others}) + (select coalesce(sum(quantity), 0)::integer from upserted)`,
          subtotalMinor: sql`(select coalesce(sum(${cartLines.quantity}::bigint * ${cartLines.unitPriceMinor}), 0)::bigint ${others}) + (select coalesce(sum(quantity::bigint * unit_price_minor), 0)::bigint from upserted)`,
        })
        .where(sql`${carts.id} in (select id from guard)`)
        .returning(),
    );
    return announcingBumped(on, [guard, upserted], bumped).prepare('cart_upsert_lines_if_at_version');
  });
  const [row] = await statement.execute({
    cartId: cart.id,
    version: cart.version,
    ids: rows.map((row) => row.id),
    variantIds: rows.map((row) => row.variantId),
    quantities: rows.map((row) => row.quantity),
    unitPrices: rows.map((row) => row.unitPriceMinor),
    currencyCodes: rows.map((row) => row.currencyCode),
    addedInChannels: rows.map((row) => row.addedInChannel),
    addedByStaffIds: rows.map((row) => row.addedByStaffId ?? null),
    ...event,
  });
  if (!row) return null;
  recordOutboxWrite(db, outboxEvents);
  return row;
}

export async function setCartLineQuantities(tx: CartDb, cartId: string, changes: readonly { lineId: string; quantity: number }[]): Promise<void> {
  if (changes.length === 0) return;
  const cases = changes.map((change) => sql`when ${change.lineId} then ${change.quantity}::integer`);
  await tx
    .update(cartLines)
    .set({ quantity: sql`case ${cartLines.id} ${sql.join(cases, sql` `)} end`, updatedAt: sql`now()` })
    .where(and(eq(cartLines.cartId, cartId), inArray(cartLines.id, changes.map((change) => change.lineId))));
}

export async function deleteCartLines(tx: CartDb, cartId: string, lineIds: readonly string[]): Promise<void> {
  if (lineIds.length === 0) return;
  await tx.delete(cartLines).where(and(eq(cartLines.cartId, cartId), inArray(cartLines.id, [...lineIds])));
}

/** Totals recomputed from the lines as they are now inside the transaction, with one more version and a fresh updatedAt. */
function bumpedTotals() {
  const ofThisCart = sql`from ${cartLines} where ${cartLines.cartId} = ${carts.id}`;
  return {
    version: sql`${carts.version} + 1`,
    updatedAt: sql`now()`,
    lineCount: sql`(select count(*)::integer ${ofThisCart})`,
    totalQuantity: sql`(select coalesce(sum(${cartLines.quantity}), 0)::integer ${ofThisCart})`,
    subtotalMinor: sql`(select coalesce(sum(${cartLines.quantity}::bigint * ${cartLines.unitPriceMinor}), 0)::bigint ${ofThisCart})`,
  };
}

/** Ends a change whose events the caller writes itself: the cart bumped (see `bumpedTotals`). */
export async function bumpCart(tx: CartDb, cartId: string): Promise<CartRow> {
  const [row] = await tx.update(carts).set(bumpedTotals()).where(eq(carts.id, cartId)).returning();
  if (!row) throw new Error(`Cart ${cartId} vanished while locked`);
  return row;
}

/** Ends a change: the cart bumped and its `cart.changed` event written, in one statement. */
export async function bumpCartAndAnnounce(tx: CartDb, cartId: string, event: CartChangedEvent): Promise<CartRow> {
  const bumped = tx.$with('bumped').as(tx.update(carts).set(bumpedTotals()).where(eq(carts.id, cartId)).returning());
  const [row] = await announcingBumped(tx, [], bumped).prepare('cart_bump_and_announce').execute(event);
  if (!row) throw new Error(`Cart ${cartId} vanished while locked`);
  recordOutboxWrite(tx, outboxEvents);
  return row;
}

/** Every line of many carts, each cart's lines oldest first: what fulfillment options are asked for. */
export function findAllLinesOfCarts(db: CartDb, cartIds: readonly string[]): Promise<CartLineRow[]> {
  return preparedOnce(db, 'allLinesOfCarts', (on) =>
    on.select().from(cartLines).where(isAnyOf(cartLines.cartId)).orderBy(asc(cartLines.cartId), asc(cartLines.id)).prepare('cart_all_lines_of_carts'),
  ).execute({ keys: cartIds });
}

/** Replaces the cart's coupon codes; the caller holds the cart lock and decided the final list. */
export async function setCartCouponCodes(tx: CartDb, cartId: string, couponCodes: readonly string[]): Promise<void> {
  await tx.update(carts).set({ couponCodes: [...couponCodes] }).where(eq(carts.id, cartId));
}
