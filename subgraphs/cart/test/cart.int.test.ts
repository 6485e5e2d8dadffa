import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Caller } from '@omni/auth';
import { newId } from '@omni/db';
import { DEMO_STAFF, demoCart, demoCustomer } from '@omni/demo-data';
import { toMoney, type RunningServer } from '@omni/graphql';
import { callers, createTestDatabase, expectData, signedSubgraphClient, TEST_SIGNING_SECRET, type TestDatabase } from '@omni/testing';
import { eq } from 'drizzle-orm';
import { openCartDatabase, type CartDatabase } from '../src/db/database';
import { carts } from '../src/db/schema';
import { createCartSubgraph } from '../src/server';
import { seedCartDemoData } from '../src/seed';
import { ANY_CUSTOMER_EXISTS, CART_FIELDS, insertCart, type CartView, type PayloadView } from './helpers';

let testDb: TestDatabase;
let database: CartDatabase;
let server: RunningServer;
const anna = demoCustomer('anna');
const ben = demoCustomer('ben');
const cashier = DEMO_STAFF[0]!;
const seeded = demoCart();
const asStaff = () => callers.staff(cashier.id, cashier.homeLocationId);
const guest = (guestId: string): Caller => ({ kind: 'guest', channel: 'MOBILE_APP', guestId, scopes: ['catalog:read'] });

beforeAll(async () => {
  testDb = await createTestDatabase();
  database = await openCartDatabase(testDb.client);
  await seedCartDemoData(database.db);
  // No addCartLines here, so the catalog is never called; add-cart-lines.int.test.ts runs a real one.
  server = await createCartSubgraph({ database, signingSecret: TEST_SIGNING_SECRET, catalogUrl: 'http://127.0.0.1:1/', ...ANY_CUSTOMER_EXISTS }).listen(0);
});

afterAll(async () => {
  await server?.stop();
  await testDb?.drop();
});

const asCaller = (caller: Caller) => signedSubgraphClient(server.url, TEST_SIGNING_SECRET, caller);
const CART_QUERY = `query($id: ID!) { cart(id: $id) { ${CART_FIELDS} createdAt updatedAt } }`;
type TimedCartView = CartView & { createdAt: string; updatedAt: string };
const readCart = async (id: string) => expectData(await asCaller(asStaff())<{ cart: TimedCartView }>(CART_QUERY, { id })).cart;

const UPDATE = `mutation($input: UpdateCartLinesInput!) { updateCartLines(input: $input) { cart { ${CART_FIELDS} } userErrors { code field message } } }`;
const REMOVE = `mutation($input: RemoveCartLinesInput!) { removeCartLines(input: $input) { cart { ${CART_FIELDS} } userErrors { code field message } } }`;
const CREATE = `mutation($input: CreateCartInput!) { createCart(input: $input) { cart { ${CART_FIELDS} } userErrors { code field message } } }`;

describe('reading carts', () => {
  it('refuses a request without the gateway signature', async () => {
    const response = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `{ cart(id: "${seeded.id}") { id } }` }),
    });
    expect(response.status).toBe(401);
  });

  it("shows the owner the seeded cart with its lines in the order they were added", async () => {
    const response = await asCaller(callers.customer(anna.id))(CART_QUERY, { id: seeded.id });
    const cart = expectData(response).cart as TimedCartView;
    const subtotalMinor = seeded.lines.reduce((sum, line) => sum + line.quantity * line.unitPriceMinor, 0);
    expect(cart).toMatchObject({
      id: seeded.id,
      version: 1,
      status: 'ACTIVE',
      channel: 'WEB',
      currencyCode: 'EUR',
      totalQuantity: 4,
      subtotal: toMoney(subtotalMinor, 'EUR'),
      customer: { id: anna.id },
      createdAt: '2026-11-01T09:00:00.000Z',
    });
    expect(cart.lines.totalCount).toBe(3);
    expect(cart.lines.edges.map((edge) => edge.node)).toEqual(
      seeded.lines.map((line) => ({
        id: line.id,
        quantity: line.quantity,
        variant: { id: line.variantId },
        unitPrice: toMoney(line.unitPriceMinor, 'EUR'),
        lineTotal: { amount: toMoney(line.unitPriceMinor * line.quantity, 'EUR').amount },
      })),
    );
  });

  it('forbids another customer and refuses callers who never see carts', async () => {
    const other = await asCaller(callers.customer(ben.id))(CART_QUERY, { id: seeded.id });
    expect(other.data?.cart ?? null).toBeNull();
    expect(other.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    const partner = await asCaller(callers.partner())(CART_QUERY, { id: seeded.id });
    expect(partner.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const anonymous = await asCaller(callers.anonymous())(CART_QUERY, { id: seeded.id });
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('lets staff and admins read any cart, and answers null for an unknown id', async () => {
    const staff = await asCaller(asStaff())(CART_QUERY, { id: seeded.id });
    expect(expectData(staff).cart.id).toBe(seeded.id);
    const admin = await asCaller(callers.admin())(CART_QUERY, { id: seeded.id });
    expect(expectData(admin).cart.customer).toEqual({ id: anna.id });
    const unknown = await asCaller(asStaff())(CART_QUERY, { id: newId('cart') });
    expect(expectData(unknown).cart).toBeNull();
  });

  it('resolves channel and subtotal from a Cart reference, as the promotions subgraph requires them', async () => {
    const query = `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Cart { id channel subtotal { amount currencyCode } } } }`;
    const response = await asCaller(callers.customer(anna.id))(query, { reps: [{ __typename: 'Cart', id: seeded.id }] });
    const subtotalMinor = seeded.lines.reduce((sum, line) => sum + line.quantity * line.unitPriceMinor, 0);
    expect(expectData(response)._entities).toEqual([{ id: seeded.id, channel: 'WEB', subtotal: toMoney(subtotalMinor, 'EUR') }]);
  });

  it('pages lines with keyset cursors and refuses pages above 100', async () => {
    const { id, lineIds } = await insertCart(database, { lineCount: 5 });
    const page = `query($id: ID!, $after: String) { cart(id: $id) { lines(first: 2, after: $after) { edges { node { id } } pageInfo { hasNextPage hasPreviousPage endCursor } } } }`;
    const client = asCaller(asStaff());
    const seen: string[] = [];
    let after: string | null = null;
    for (let round = 0; round < 3; round += 1) {
      type Page = { edges: { node: { id: string } }[]; pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; endCursor: string } };
      const lines: Page = expectData(await client<{ cart: { lines: Page } }>(page, { id, after })).cart.lines;
      seen.push(...lines.edges.map((edge) => edge.node.id));
      expect(lines.pageInfo.hasNextPage).toBe(round < 2);
      expect(lines.pageInfo.hasPreviousPage).toBe(round > 0);
      after = lines.pageInfo.endCursor;
    }
    expect(seen).toEqual(lineIds);

    const tooMany = await client(`query($id: ID!) { cart(id: $id) { lines(first: 101) { edges { cursor } } } }`, { id });
    expect(tooMany.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('costs the same statements for a cart of 1 line and a cart of 50 lines', async () => {
    const small = await insertCart(database, { lineCount: 1 });
    const large = await insertCart(database, { lineCount: 50, quantity: 2, unitPriceMinor: 1000 });
    const query = `query($id: ID!) { cart(id: $id) { totalQuantity subtotal { amount } lines(first: 100) { totalCount edges { node { id quantity variant { id } unitPrice { amount } lineTotal { amount } addedByStaff { id } addedInChannel createdAt } } } } }`;
    const client = asCaller(asStaff());

    const beforeSmall = database.statements.total;
    const smallCart = expectData(await client(query, { id: small.id })).cart;
    const smallCost = database.statements.total - beforeSmall;

    const beforeLarge = database.statements.total;
    const largeCart = expectData(await client(query, { id: large.id })).cart;
    const largeCost = database.statements.total - beforeLarge;

    expect(smallCart.lines.edges).toHaveLength(1);
    expect(largeCart.lines.edges).toHaveLength(50);
    expect(largeCart).toMatchObject({ totalQuantity: 100, subtotal: { amount: '1000.00' }, lines: { totalCount: 50 } });
    // The cart, then one page of its lines: totals come from the cart row.
    expect(smallCost).toBe(2);
    expect(largeCost).toBe(smallCost);
  });
});

describe('Customer.cart', () => {
  const query = `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Customer { id cart { id version subtotal { amount } lines(first: 10) { edges { node { id } } } } } } }`;

  it("resolves many customers' active carts in constant statements", async () => {
    const customerIds = Array.from({ length: 50 }, () => newId('cus'));
    // Every other customer has a cart; the rest answer null.
    const cartIds = new Map<string, string>();
    for (const [index, customerId] of customerIds.entries()) {
      if (index % 2 === 0) cartIds.set(customerId, (await insertCart(database, { customerId, lineCount: 2 })).id);
    }
    const client = asCaller(asStaff());
    const costOf = async (ids: string[]) => {
      const before = database.statements.total;
      const response = await client(query, { reps: ids.map((id) => ({ __typename: 'Customer', id })) });
      const entities = expectData(response)._entities as { id: string; cart: { id: string; lines: { edges: unknown[] } } | null }[];
      expect(entities.map((entity) => entity.cart?.id ?? null)).toEqual(ids.map((id) => cartIds.get(id) ?? null));
      for (const entity of entities) if (entity.cart) expect(entity.cart.lines.edges).toHaveLength(2);
      return database.statements.total - before;
    };
    const fewCost = await costOf(customerIds.slice(0, 4));
    const manyCost = await costOf(customerIds);
    // Active carts by customer, then one page of lines for all of them.
    expect(fewCost).toBe(2);
    expect(manyCost).toBe(fewCost);
  });

  it('shows customers their own cart and forbids anyone else', async () => {
    const reps = [{ __typename: 'Customer', id: anna.id }];
    const own = await asCaller(callers.customer(anna.id))(query, { reps });
    expect(expectData(own)._entities[0].cart.id).toBe(seeded.id);

    const other = await asCaller(callers.customer(ben.id))(query, { reps });
    expect(other.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const partner = await asCaller(callers.partner())(query, { reps });
    expect(partner.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const guestCaller = await asCaller(guest('guest-someone'))(query, { reps });
    expect(guestCaller.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});

describe('createCart', () => {
  it("returns a customer's active cart instead of starting a second one", async () => {
    const response = await asCaller(callers.customer(anna.id, 'MOBILE_APP'))(CREATE, { input: {} });
    const payload = expectData(response).createCart as PayloadView;
    expect(payload.userErrors).toEqual([]);
    expect(payload.cart).toMatchObject({ id: seeded.id, version: 1, channel: 'WEB' });
  });

  it('starts an empty cart in the caller channel, then keeps returning it', async () => {
    const client = asCaller(callers.customer(ben.id, 'MOBILE_APP'));
    const first = expectData(await client(CREATE, { input: {} })).createCart as PayloadView;
    expect(first.userErrors).toEqual([]);
    expect(first.cart).toMatchObject({
      version: 1,
      status: 'ACTIVE',
      channel: 'MOBILE_APP',
      currencyCode: 'EUR',
      totalQuantity: 0,
      subtotal: { amount: '0.00', currencyCode: 'EUR' },
      customer: { id: ben.id },
      lines: { totalCount: 0, edges: [] },
    });
    expect(first.cart!.id).toMatch(/^cart_[0-9a-z]{26}$/);
    const again = expectData(await client(CREATE, { input: { channel: 'WEB' } })).createCart as PayloadView;
    expect(again.cart?.id).toBe(first.cart!.id);
  });

  it('lets staff start a cart for a customer, or a walk-in cart only staff can open', async () => {
    const customerId = newId('cus');
    const forCustomer = expectData(await asCaller(asStaff())(CREATE, { input: { customerId } })).createCart as PayloadView;
    expect(forCustomer.cart).toMatchObject({ channel: 'POS', customer: { id: customerId } });
    const own = await asCaller(callers.customer(customerId))(CART_QUERY, { id: forCustomer.cart!.id });
    expect(expectData(own).cart.id).toBe(forCustomer.cart!.id);

    const walkIn = expectData(await asCaller(asStaff())(CREATE, { input: {} })).createCart as PayloadView;
    const walkInAgain = expectData(await asCaller(asStaff())(CREATE, { input: {} })).createCart as PayloadView;
    expect(walkIn.cart?.customer).toBeNull();
    expect(walkInAgain.cart?.id).not.toBe(walkIn.cart?.id);
    const stranger = await asCaller(callers.customer(ben.id))(CART_QUERY, { id: walkIn.cart!.id });
    expect(stranger.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('refuses staff a cart for a customer the customer subgraph does not know, opening nothing', async () => {
    const nobody = `cus_${'0'.repeat(22)}gone`;
    const refused = expectData(await asCaller(asStaff())(CREATE, { input: { customerId: nobody } })).createCart as PayloadView;
    expect(refused).toEqual({ cart: null, userErrors: [{ code: 'NOT_FOUND', field: ['input', 'customerId'], message: expect.any(String) }] });
    expect(await database.db.select().from(carts).where(eq(carts.customerId, nobody))).toEqual([]);
  });

  it('gives a guest one guest cart that only they can open', async () => {
    const first = expectData(await asCaller(guest('guest-1'))(CREATE, { input: {} })).createCart as PayloadView;
    const again = expectData(await asCaller(guest('guest-1'))(CREATE, { input: {} })).createCart as PayloadView;
    expect(first.cart).toMatchObject({ customer: null, channel: 'MOBILE_APP' });
    expect(again.cart?.id).toBe(first.cart!.id);
    const other = expectData(await asCaller(guest('guest-2'))(CREATE, { input: {} })).createCart as PayloadView;
    expect(other.cart?.id).not.toBe(first.cart!.id);

    const read = await asCaller(guest('guest-2'))(CART_QUERY, { id: first.cart!.id });
    expect(read.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('refuses a cart for someone else, bad input, and anonymous callers', async () => {
    const forOther = expectData(await asCaller(callers.customer(ben.id))(CREATE, { input: { customerId: anna.id } })).createCart;
    expect(forOther).toEqual({ cart: null, userErrors: [{ code: 'FORBIDDEN', field: ['input', 'customerId'], message: expect.any(String) }] });

    const bad = expectData(await asCaller(asStaff())(CREATE, { input: { customerId: 'nobody', currencyCode: 'EURO' } })).createCart as PayloadView;
    expect(bad.cart).toBeNull();
    expect(bad.userErrors.map((error) => [error.code, error.field?.join('.')])).toEqual([
      ['INVALID', 'input.customerId'],
      ['INVALID', 'input.currencyCode'],
    ]);

    const anonymous = await asCaller(callers.anonymous())(CREATE, { input: {} });
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('never starts two active carts for one customer, even when asked at the same time', async () => {
    const customerId = newId('cus');
    const client = asCaller(callers.customer(customerId));
    const payloads = await Promise.all(Array.from({ length: 10 }, () => client(CREATE, { input: {} })));
    const ids = new Set(payloads.map((response) => (expectData(response).createCart as PayloadView).cart?.id));
    expect(ids.size).toBe(1);
    expect([...ids][0]).toMatch(/^cart_/);
  });
});

describe('updateCartLines and removeCartLines', () => {
  it('sets quantities, removes a line at quantity 0, and bumps the version once per change', async () => {
    const shopper = newId('cus');
    const { id, lineIds } = await insertCart(database, { customerId: shopper, lineCount: 3, unitPriceMinor: 500 });
    const client = asCaller(callers.customer(shopper));
    const before = await readCart(id);
    const payload = expectData(
      await client(UPDATE, { input: { cartId: id, lines: [{ lineId: lineIds[0], quantity: 4 }, { lineId: lineIds[1], quantity: 0 }] } }),
    ).updateCartLines as PayloadView;
    expect(payload.userErrors).toEqual([]);
    expect(payload.cart).toMatchObject({ version: 2, totalQuantity: 5, subtotal: { amount: '25.00' }, lines: { totalCount: 2 } });
    expect(payload.cart!.lines.edges.map((edge) => [edge.node.id, edge.node.quantity, edge.node.lineTotal.amount])).toEqual([
      [lineIds[0], 4, '20.00'],
      [lineIds[2], 1, '5.00'],
    ]);
    const after = await readCart(id);
    expect(after.version).toBe(before.version + 1);
    expect(new Date(after.updatedAt).getTime()).toBeGreaterThan(new Date(before.updatedAt).getTime());
  });

  it('rejects a negative quantity, duplicates and unknown lines, changing nothing', async () => {
    const shopper = newId('cus');
    const { id, lineIds } = await insertCart(database, { customerId: shopper, lineCount: 2 });
    const client = asCaller(callers.customer(shopper));
    const before = await readCart(id);

    const negative = expectData(await client(UPDATE, { input: { cartId: id, lines: [{ lineId: lineIds[0], quantity: -1 }] } })).updateCartLines as PayloadView;
    expect(negative.cart).toBeNull();
    expect(negative.userErrors).toEqual([{ code: 'INVALID', field: ['input', 'lines', '0', 'quantity'], message: expect.any(String) }]);

    const tooMany = expectData(await client(UPDATE, { input: { cartId: id, lines: [{ lineId: lineIds[0], quantity: 1000 }] } })).updateCartLines as PayloadView;
    expect(tooMany.userErrors.map((error) => error.code)).toEqual(['INVALID']);

    const duplicate = expectData(
      await client(UPDATE, { input: { cartId: id, lines: [{ lineId: lineIds[0], quantity: 2 }, { lineId: lineIds[0], quantity: 3 }] } }),
    ).updateCartLines as PayloadView;
    expect(duplicate.userErrors.map((error) => [error.code, error.field?.join('.')])).toEqual([['INVALID', 'input.lines.1.lineId']]);

    // A valid change next to an unknown line is not applied either.
    const unknown = expectData(
      await client(UPDATE, { input: { cartId: id, lines: [{ lineId: lineIds[0], quantity: 7 }, { lineId: newId('line'), quantity: 1 }] } }),
    ).updateCartLines as PayloadView;
    expect(unknown.userErrors.map((error) => [error.code, error.field?.join('.')])).toEqual([['NOT_FOUND', 'input.lines.1.lineId']]);

    const removeUnknown = expectData(await client(REMOVE, { input: { cartId: id, lineIds: [lineIds[0], newId('line')] } })).removeCartLines as PayloadView;
    expect(removeUnknown.userErrors.map((error) => [error.code, error.field?.join('.')])).toEqual([['NOT_FOUND', 'input.lineIds.1']]);

    expect(await readCart(id)).toEqual(before);
  });

  it('removes lines and recomputes the totals', async () => {
    const shopper = newId('cus');
    const { id, lineIds } = await insertCart(database, { customerId: shopper, lineCount: 3, unitPriceMinor: 250, quantity: 2 });
    const payload = expectData(
      await asCaller(callers.customer(shopper))(REMOVE, { input: { cartId: id, lineIds: [lineIds[0], lineIds[2]], expectedVersion: 1 } }),
    ).removeCartLines as PayloadView;
    expect(payload.userErrors).toEqual([]);
    expect(payload.cart).toMatchObject({ version: 2, totalQuantity: 2, subtotal: { amount: '5.00' } });
    expect(payload.cart!.lines.edges.map((edge) => edge.node.id)).toEqual([lineIds[1]]);
  });

  it('refuses a stale expectedVersion with VERSION_CONFLICT and applies a current one', async () => {
    const shopper = newId('cus');
    const { id, lineIds } = await insertCart(database, { customerId: shopper, lineCount: 1 });
    const client = asCaller(callers.customer(shopper));
    const first = expectData(await client(UPDATE, { input: { cartId: id, lines: [{ lineId: lineIds[0], quantity: 2 }], expectedVersion: 1 } }))
      .updateCartLines as PayloadView;
    expect(first.cart?.version).toBe(2);

    const stale = expectData(await client(UPDATE, { input: { cartId: id, lines: [{ lineId: lineIds[0], quantity: 9 }], expectedVersion: 1 } }))
      .updateCartLines as PayloadView;
    expect(stale).toEqual({ cart: null, userErrors: [{ code: 'VERSION_CONFLICT', field: ['input', 'expectedVersion'], message: expect.any(String) }] });
    const staleRemove = expectData(await client(REMOVE, { input: { cartId: id, lineIds, expectedVersion: 1 } })).removeCartLines as PayloadView;
    expect(staleRemove.userErrors.map((error) => error.code)).toEqual(['VERSION_CONFLICT']);
    expect((await readCart(id)).lines.edges[0]?.node.quantity).toBe(2);

    const current = expectData(await client(UPDATE, { input: { cartId: id, lines: [{ lineId: lineIds[0], quantity: 9 }], expectedVersion: 2 } }))
      .updateCartLines as PayloadView;
    expect(current.cart).toMatchObject({ version: 3, totalQuantity: 9 });
  });

  it("refuses changes to someone else's cart and to unknown carts; staff may change any", async () => {
    const { id, lineIds } = await insertCart(database, { customerId: newId('cus'), lineCount: 1 });
    const change = { input: { cartId: id, lines: [{ lineId: lineIds[0], quantity: 3 }] } };
    const stranger = expectData(await asCaller(callers.customer(ben.id))(UPDATE, change)).updateCartLines as PayloadView;
    expect(stranger.userErrors.map((error) => [error.code, error.field?.join('.')])).toEqual([['FORBIDDEN', 'input.cartId']]);
    const guestCaller = expectData(await asCaller(guest('guest-1'))(REMOVE, { input: { cartId: id, lineIds } })).removeCartLines as PayloadView;
    expect(guestCaller.userErrors.map((error) => error.code)).toEqual(['FORBIDDEN']);
    const partner = await asCaller(callers.partner())(UPDATE, change);
    expect(partner.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await readCart(id)).version).toBe(1);

    const unknown = expectData(await asCaller(asStaff())(UPDATE, { input: { ...change.input, cartId: newId('cart') } })).updateCartLines as PayloadView;
    expect(unknown.userErrors.map((error) => [error.code, error.field?.join('.')])).toEqual([['NOT_FOUND', 'input.cartId']]);

    const staff = expectData(await asCaller(asStaff())(UPDATE, change)).updateCartLines as PayloadView;
    expect(staff.cart).toMatchObject({ version: 2, totalQuantity: 3 });
  });
});
