import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { newId } from '@omni/db';
import type { RunningServer } from '@omni/graphql';
import { callers, createTestDatabase, expectData, signedSubgraphClient, TEST_SIGNING_SECRET, type TestDatabase } from '@omni/testing';
import { openCartDatabase, type CartDatabase } from '../src/db/database';
import { carts, outboxEvents } from '../src/db/schema';
import { createCartSubgraph } from '../src/server';
import { announceAbandonedCarts } from '../src/services/abandoned-cart-service';
import { ANY_CUSTOMER_EXISTS, insertCart } from './helpers';

let testDb: TestDatabase;
let database: CartDatabase;
let server: RunningServer;

beforeAll(async () => {
  testDb = await createTestDatabase();
  database = await openCartDatabase(testDb.client);
  server = await createCartSubgraph({ database, signingSecret: TEST_SIGNING_SECRET, catalogUrl: 'http://127.0.0.1:1/', ...ANY_CUSTOMER_EXISTS, abandonedAfterMinutes: 30 }).listen(0);
});

afterAll(async () => {
  await server?.stop();
  await testDb?.drop();
});

const QUERY = `query($first: Int, $after: String, $idle: Int) { abandonedCarts(first: $first, after: $after, idleMinutes: $idle) {
  edges { node { id channel updatedAt customer { id } totalQuantity } } pageInfo { hasNextPage endCursor } } }`;
const staff = () => signedSubgraphClient(server.url, TEST_SIGNING_SECRET, callers.staff('staff_support', 'loc_x', 'CALL_CENTER', 'SUPPORT_AGENT'));

/** A cart whose last change was `minutesAgo` ago. */
async function idleCart(minutesAgo: number, options: { customerId?: string | null; lineCount?: number } = {}) {
  const cart = await insertCart(database, { customerId: options.customerId === undefined ? newId('cus') : options.customerId, lineCount: options.lineCount ?? 1, channel: 'MOBILE_APP' });
  await database.db.update(carts).set({ updatedAt: sql`now() - make_interval(mins => ${minutesAgo}::integer)` }).where(eq(carts.id, cart.id));
  return cart.id;
}

async function abandonedEventsOf(cartId: string) {
  return database.db.select().from(outboxEvents).where(sql`${outboxEvents.aggregateId} = ${cartId} and ${outboxEvents.type} = 'cart.abandoned'`);
}

describe('abandoned carts', () => {
  it('lists idle non-empty carts of known customers for staff, with channel and last activity, paged', async () => {
    const stale = [await idleCart(120), await idleCart(45)];
    const fresh = await idleCart(5);
    const empty = await idleCart(120, { lineCount: 0 });
    const walkIn = await idleCart(120, { customerId: null });
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const page: { edges: { node: { id: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } = expectData(await staff()(QUERY, { first: 1, after })).abandonedCarts;
      seen.push(...page.edges.map((edge) => edge.node.id));
      expect(page.edges[0]?.node ?? null).toEqual(page.edges[0] ? expect.objectContaining({ channel: 'MOBILE_APP', customer: { id: expect.any(String) }, updatedAt: expect.any(String) }) : null);
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seen).toEqual(expect.arrayContaining(stale));
    expect(seen).not.toContain(fresh);
    expect(seen).not.toContain(empty);
    expect(seen).not.toContain(walkIn);
    // A longer idle time narrows the list.
    const longIdle = expectData(await staff()(QUERY, { first: 100, idle: 60 })).abandonedCarts.edges.map((edge: { node: { id: string } }) => edge.node.id);
    expect(longIdle).toContain(stale[0]);
    expect(longIdle).not.toContain(stale[1]);
  });

  it('is for staff only, and refuses an idle time out of range', async () => {
    const asCustomer = await signedSubgraphClient(server.url, TEST_SIGNING_SECRET, callers.customer(newId('cus')))(QUERY, {});
    expect(asCustomer.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const zero = await staff()(QUERY, { idle: 0 });
    expect(zero.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('announces each abandoned cart version once, and again after it changed and was abandoned again', async () => {
    const cartId = await idleCart(90);
    await announceAbandonedCarts(database.db, { idleMinutes: 30 });
    await announceAbandonedCarts(database.db, { idleMinutes: 30 });
    const events = await abandonedEventsOf(cartId);
    expect(events).toHaveLength(1);
    expect(events[0]!.payload).toMatchObject({ cartId, channel: 'MOBILE_APP', version: 1, totalQuantity: 1 });
    // Announcing is not activity: the cart keeps its version and last activity.
    const [row] = await database.db.select().from(carts).where(eq(carts.id, cartId));
    expect(row).toMatchObject({ version: 1 });

    await database.db.update(carts).set({ version: 2, updatedAt: sql`now() - interval '40 minutes'` }).where(eq(carts.id, cartId));
    await announceAbandonedCarts(database.db, { idleMinutes: 30 });
    expect((await abandonedEventsOf(cartId)).map((event) => (event.payload as { version: number }).version)).toEqual([1, 2]);
  });
});
