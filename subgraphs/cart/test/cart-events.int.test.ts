import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoCart, demoCustomer } from '@omni/demo-data';
import type { RunningServer } from '@omni/graphql';
import { callers, createTestDatabase, expectData, signedSubgraphClient, TEST_SIGNING_SECRET, type TestDatabase } from '@omni/testing';
import { createOutboxRelay, pendingEventCount, type DomainEvent } from '@omni/events';
import { openCartDatabase, type CartDatabase } from '../src/db/database';
import { outboxEvents } from '../src/db/schema';
import { seedCartDemoData } from '../src/seed';
import { createCartSubgraph } from '../src/server';
import { ANY_CUSTOMER_EXISTS } from './helpers';

/** Cart changes publish `cart.changed` to the outbox in the transaction of the change. */
let testDb: TestDatabase;
let database: CartDatabase;
let server: RunningServer;

beforeAll(async () => {
  testDb = await createTestDatabase();
  database = await openCartDatabase(testDb.client);
  await seedCartDemoData(database.db);
  server = await createCartSubgraph({ database, signingSecret: TEST_SIGNING_SECRET, catalogUrl: 'http://127.0.0.1:9/', ...ANY_CUSTOMER_EXISTS }).listen(0);
});

afterAll(async () => {
  await server?.stop();
  await testDb?.drop();
});

const UPDATE = `mutation($input: UpdateCartLinesInput!) { updateCartLines(input: $input) { cart { version totalQuantity } userErrors { code } } }`;

describe('cart events', () => {
  it('writes cart.changed with the change, and nothing for a refused change', async () => {
    const cart = demoCart();
    const anna = demoCustomer('anna');
    const client = signedSubgraphClient(server.url, TEST_SIGNING_SECRET, callers.customer(anna.id, 'MOBILE_APP'));
    const line = cart.lines[0]!;

    const refused = expectData(await client(UPDATE, { input: { cartId: cart.id, expectedVersion: 99, lines: [{ lineId: line.id, quantity: 5 }] } }));
    expect(refused.updateCartLines.userErrors).toEqual([{ code: 'VERSION_CONFLICT' }]);
    expect(await pendingEventCount(database.db, outboxEvents)).toBe(0);

    const changed = expectData(await client(UPDATE, { input: { cartId: cart.id, lines: [{ lineId: line.id, quantity: line.quantity + 1 }] } })).updateCartLines.cart;
    const delivered: DomainEvent[] = [];
    const relay = createOutboxRelay({ db: database.db, outbox: outboxEvents, producer: 'cart', deliver: async (events) => void delivered.push(...events) });
    expect(await relay.drain()).toBe(1);
    expect(delivered[0]).toMatchObject({
      type: 'cart.changed',
      producer: 'cart',
      aggregateId: cart.id,
      payload: { cartId: cart.id, customerId: anna.id, guestId: null, channel: 'MOBILE_APP', version: changed.version, totalQuantity: changed.totalQuantity },
    });
  });
});
