import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '@omni/db';
import type { RunningServer } from '@omni/graphql';
import { callers, createTestDatabase, expectData, onPostgresServer, signedSubgraphClient, TEST_SIGNING_SECRET, type TestDatabase } from '@omni/testing';
import { openCartDatabase, type CartDatabase } from '../src/db/database';
import { createCartSubgraph } from '../src/server';
import { ANY_CUSTOMER_EXISTS, CART_FIELDS, insertCart, type CartView, type PayloadView } from './helpers';

/**
 * Real concurrent transactions exist only on a Postgres server (PGlite runs one at a time), so
 * these prove on the server that the cart lock loses no update and lets one of N racers win.
 */
let testDb: TestDatabase;
let database: CartDatabase;
let server: RunningServer;

beforeAll(async () => {
  testDb = await createTestDatabase({ maxConnections: 25 });
  database = await openCartDatabase(testDb.client);
  server = await createCartSubgraph({ database, signingSecret: TEST_SIGNING_SECRET, catalogUrl: 'http://127.0.0.1:1/', ...ANY_CUSTOMER_EXISTS }).listen(0);
});

afterAll(async () => {
  await server?.stop();
  await testDb?.drop();
});

const UPDATE = `mutation($input: UpdateCartLinesInput!) { updateCartLines(input: $input) { cart { version } userErrors { code field } } }`;
const REMOVE = `mutation($input: RemoveCartLinesInput!) { removeCartLines(input: $input) { cart { version } userErrors { code field } } }`;

async function shopperWithCart(lineCount: number) {
  const customerId = newId('cus');
  const cart = await insertCart(database, { customerId, lineCount, unitPriceMinor: 100 });
  const client = signedSubgraphClient(server.url, TEST_SIGNING_SECRET, callers.customer(customerId));
  const read = async () => expectData(await client<{ cart: CartView }>(`query($id: ID!) { cart(id: $id) { ${CART_FIELDS} } }`, { id: cart.id })).cart;
  return { ...cart, client, read };
}

describe.skipIf(!onPostgresServer())('concurrent changes to one cart', () => {
  it('applies 20 parallel updates without expectedVersion: none is lost, the version grows by exactly 20', async () => {
    const { id, lineIds, client, read } = await shopperWithCart(20);
    const responses = await Promise.all(
      lineIds.map((lineId, index) => client(UPDATE, { input: { cartId: id, lines: [{ lineId, quantity: index + 2 }] } })),
    );
    for (const response of responses) expect((expectData(response).updateCartLines as PayloadView).userErrors).toEqual([]);
    const versions = responses.map((response) => (expectData(response).updateCartLines as PayloadView).cart!.version);
    // Each writer saw the version its predecessor left: every version from 2 to 21 exactly once.
    expect([...versions].sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, index) => index + 2));

    const cart = await read();
    expect(cart.version).toBe(21);
    expect(cart.lines.edges.map((edge) => edge.node.quantity)).toEqual(lineIds.map((_, index) => index + 2));
    const totalQuantity = lineIds.reduce((sum, _, index) => sum + index + 2, 0);
    expect(cart).toMatchObject({ totalQuantity, subtotal: { amount: totalQuantity.toFixed(2) } });
  });

  it('lets exactly one of 10 parallel writers with the same expectedVersion win', async () => {
    const { id, lineIds, client, read } = await shopperWithCart(1);
    const responses = await Promise.all(
      Array.from({ length: 10 }, (_, index) =>
        client(UPDATE, { input: { cartId: id, lines: [{ lineId: lineIds[0], quantity: index + 2 }], expectedVersion: 1 } }),
      ),
    );
    const payloads = responses.map((response) => expectData(response).updateCartLines as PayloadView);
    const winners = payloads.filter((payload) => payload.cart !== null);
    expect(winners).toHaveLength(1);
    expect(payloads.filter((payload) => payload.userErrors[0]?.code === 'VERSION_CONFLICT')).toHaveLength(9);

    const cart = await read();
    expect(cart.version).toBe(2);
    const winningQuantity = payloads.findIndex((payload) => payload.cart !== null) + 2;
    expect(cart.lines.edges[0]?.node.quantity).toBe(winningQuantity);
  });

  it('removes a line once when 10 writers remove it at the same time', async () => {
    const { id, lineIds, client, read } = await shopperWithCart(2);
    const responses = await Promise.all(Array.from({ length: 10 }, () => client(REMOVE, { input: { cartId: id, lineIds: [lineIds[0]] } })));
    const codes = responses.map((response) => (expectData(response).removeCartLines as PayloadView).userErrors[0]?.code ?? 'OK');
    expect(codes.filter((code) => code === 'OK')).toHaveLength(1);
    expect(codes.filter((code) => code === 'NOT_FOUND')).toHaveLength(9);
    expect(await read()).toMatchObject({ version: 2, totalQuantity: 1, lines: { totalCount: 1 } });
  });
});
