import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type { Caller } from '@omni/auth';
import { newId } from '@omni/db';
import { DEMO_STAFF, demoCatalog, type DemoVariant } from '@omni/demo-data';
import { toMoney, type RunningServer } from '@omni/graphql';
import { createCatalogSubgraph, openCatalogDatabase, seedCatalogDemoData, type CatalogDatabase } from '@omni/subgraph-catalog';
import {
  callers,
  createTestDatabase,
  expectData,
  onPostgresServer,
  signedSubgraphClient,
  TEST_SIGNING_SECRET,
  type TestDatabase,
} from '@omni/testing';
import { openCartDatabase, type CartDatabase } from '../src/db/database';
import { createCartSubgraph } from '../src/server';
import { rowsOf } from './checkout-helpers';
import { ANY_CUSTOMER_EXISTS, type PayloadView } from './helpers';

/** addCartLines against a real, seeded catalog subgraph answering `variantSnapshots` over HTTP. */
let testDb: TestDatabase;
let cartDatabase: CartDatabase;
let catalogDatabase: CatalogDatabase;
let cartServer: RunningServer;
let catalogServer: RunningServer;
const cashier = DEMO_STAFF[0]!;
const { products, stock } = demoCatalog();
const variant = (productIndex: number, position = 0): DemoVariant => products[productIndex]!.variants[position]!;
const totalStockOf = (variantId: string) => stock.filter((level) => level.variantId === variantId).reduce((sum, level) => sum + level.onHand, 0);

beforeAll(async () => {
  testDb = await createTestDatabase({ maxConnections: 30 });
  catalogDatabase = await openCatalogDatabase(testDb.client);
  await seedCatalogDemoData(catalogDatabase.db);
  catalogServer = await createCatalogSubgraph({ database: catalogDatabase, signingSecret: TEST_SIGNING_SECRET }).listen(0);
  cartDatabase = await openCartDatabase(testDb.client);
  cartServer = await createCartSubgraph({ database: cartDatabase, signingSecret: TEST_SIGNING_SECRET, catalogUrl: () => catalogServer.url, ...ANY_CUSTOMER_EXISTS }).listen(0);
});

afterAll(async () => {
  await cartServer?.stop();
  await catalogServer?.stop();
  await testDb?.drop();
});

const asCaller = (caller: Caller) => signedSubgraphClient(cartServer.url, TEST_SIGNING_SECRET, caller);
const LINE_FIELDS = `id quantity variant { id } unitPrice { amount currencyCode } lineTotal { amount } addedInChannel addedByStaff { id }`;
const ADD = `mutation($input: AddCartLinesInput!) { addCartLines(input: $input) {
  cart { id version totalQuantity subtotal { amount currencyCode } lines(first: 100) { edges { node { ${LINE_FIELDS} } } } }
  userErrors { code field message } } }`;

interface LineView {
  id: string;
  quantity: number;
  variant: { id: string };
  unitPrice: { amount: string; currencyCode: string };
  lineTotal: { amount: string };
  addedInChannel: string;
  addedByStaff: { id: string } | null;
}
type AddPayload = Omit<PayloadView, 'cart'> & {
  cart: { id: string; version: number; totalQuantity: number; subtotal: { amount: string }; lines: { edges: { node: LineView }[] } } | null;
};

async function newShopperCart(input: Record<string, unknown> = {}) {
  const customerId = newId('cus');
  const client = asCaller(callers.customer(customerId));
  const created = expectData(await client(`mutation($input: CreateCartInput!) { createCart(input: $input) { cart { id version } } }`, { input }));
  return { customerId, client, cartId: created.createCart.cart.id as string };
}

const add = async (client: ReturnType<typeof asCaller>, input: Record<string, unknown>) => expectData(await client(ADD, { input })).addCartLines as AddPayload;
const codes = (payload: AddPayload) => payload.userErrors.map((error) => [error.code, error.field?.join('.')]);

/** The cart's `cart.changed` outbox rows, oldest first. */
async function changedEvents(cartId: string): Promise<{ payload: Record<string, unknown> & { version: number; totalQuantity: number }; occurredAt: string }[]> {
  const rows = rowsOf<{ payload: string | { version: number; totalQuantity: number }; occurred_at: string }>(
    await cartDatabase.db.execute(sql`select payload, occurred_at::text from cart.outbox_events where type = 'cart.changed' and aggregate_id = ${cartId} order by id`),
  );
  return rows.map((row) => ({ payload: typeof row.payload === 'string' ? JSON.parse(row.payload) : row.payload, occurredAt: row.occurred_at }));
}

describe('addCartLines', () => {
  it('adds lines at the catalog price, in request order, credited to nobody when the shopper adds them', async () => {
    const { client, cartId } = await newShopperCart();
    const jacket = variant(0);
    const mug = variant(5);
    const payload = await add(client, { cartId, lines: [{ variantId: jacket.id, quantity: 2 }, { variantId: mug.id, quantity: 1 }], expectedVersion: 1 });
    expect(payload.userErrors).toEqual([]);
    expect(payload.cart).toMatchObject({
      version: 2,
      totalQuantity: 3,
      subtotal: toMoney(2 * jacket.priceMinor + mug.priceMinor, 'EUR'),
    });
    expect(payload.cart!.lines.edges.map((edge) => edge.node)).toEqual([
      {
        id: expect.stringMatching(/^line_/),
        quantity: 2,
        variant: { id: jacket.id },
        unitPrice: toMoney(jacket.priceMinor, 'EUR'),
        lineTotal: { amount: toMoney(2 * jacket.priceMinor, 'EUR').amount },
        addedInChannel: 'WEB',
        addedByStaff: null,
      },
      {
        id: expect.stringMatching(/^line_/),
        quantity: 1,
        variant: { id: mug.id },
        unitPrice: toMoney(mug.priceMinor, 'EUR'),
        lineTotal: { amount: toMoney(mug.priceMinor, 'EUR').amount },
        addedInChannel: 'WEB',
        addedByStaff: null,
      },
    ]);
  });

  it('raises the quantity of the line already holding the variant', async () => {
    const { client, cartId } = await newShopperCart();
    const shirt = variant(1);
    const first = await add(client, { cartId, lines: [{ variantId: shirt.id, quantity: 1 }] });
    const second = await add(client, { cartId, lines: [{ variantId: shirt.id, quantity: 2 }] });
    expect(second.userErrors).toEqual([]);
    expect(second.cart!.version).toBe(3);
    expect(second.cart!.lines.edges.map((edge) => [edge.node.id, edge.node.quantity])).toEqual([[first.cart!.lines.edges[0]!.node.id, 3]]);
    expect(second.cart!.totalQuantity).toBe(3);
  });

  it('keeps the totals of lines it raises, adds and leaves alone in one request, in the same two cart statements (and the page of lines the payload asks for) for 1 line and for 10, with no transaction', async () => {
    const { client, cartId } = await newShopperCart();
    const [kept, raised, added] = [variant(3), variant(4), variant(5)];
    await add(client, { cartId, lines: [{ variantId: kept.id, quantity: 1 }, { variantId: raised.id, quantity: 1 }] });
    const before = cartDatabase.statements.total;
    const payload = await add(client, { cartId, lines: [{ variantId: raised.id, quantity: 2 }, { variantId: added.id, quantity: 1 }] });
    const statements = cartDatabase.statements.total - before;
    expect(payload.userErrors).toEqual([]);
    expect(payload.cart!.totalQuantity).toBe(5);
    expect(payload.cart!.subtotal).toEqual(toMoney(kept.priceMinor + 3 * raised.priceMinor + added.priceMinor, 'EUR'));
    const stored = expectData(await client(`query($id: ID!) { cart(id: $id) { version totalQuantity subtotal { amount } lines { totalCount } } }`, { id: cartId })).cart;
    expect(stored).toEqual({ version: 3, totalQuantity: 5, subtotal: { amount: payload.cart!.subtotal.amount }, lines: { totalCount: 3 } });

    // Read with its lines; lines, the cart's new totals and the event written by one statement; and
    // the page of lines the payload asks for: the same for ten lines.
    const other = await newShopperCart();
    const tenBefore = cartDatabase.statements.total;
    const ten = await add(other.client, { cartId: other.cartId, lines: Array.from({ length: 10 }, (_, index) => ({ variantId: variant(index).id, quantity: 1 })) });
    expect(ten.userErrors).toEqual([]);
    expect(cartDatabase.statements.total - tenBefore).toBe(statements);
    expect(statements).toBe(3);
  });

  it('credits lines staff add to them, in their channel', async () => {
    const { cartId } = await newShopperCart();
    const staff = asCaller(callers.staff(cashier.id, cashier.homeLocationId));
    const payload = await add(staff, { cartId, lines: [{ variantId: variant(2).id, quantity: 1 }] });
    expect(payload.cart!.lines.edges[0]!.node).toMatchObject({ addedInChannel: 'POS', addedByStaff: { id: cashier.id } });
  });

  it('rejects invalid input, unknown variants and too much quantity without changing anything', async () => {
    const { client, cartId } = await newShopperCart();
    const known = variant(3);
    const invalid = await add(client, {
      cartId,
      lines: [
        { variantId: known.id, quantity: 0 },
        { variantId: known.id, quantity: 1000 },
      ],
    });
    expect(codes(invalid)).toEqual([
      ['INVALID', 'input.lines.0.quantity'],
      ['INVALID', 'input.lines.1.quantity'],
      ['INVALID', 'input.lines.1.variantId'],
    ]);
    expect(codes(await add(client, { cartId, lines: [] }))).toEqual([['INVALID', 'input.lines']]);

    const unknown = await add(client, { cartId, lines: [{ variantId: known.id, quantity: 1 }, { variantId: newId('var'), quantity: 1 }] });
    expect(unknown.cart).toBeNull();
    expect(codes(unknown)).toEqual([['NOT_FOUND', 'input.lines.1.variantId']]);

    const scarce = variant(4);
    const tooMany = await add(client, { cartId, lines: [{ variantId: scarce.id, quantity: totalStockOf(scarce.id) + 1 }] });
    expect(codes(tooMany)).toEqual([['OUT_OF_STOCK', 'input.lines.0.quantity']]);

    const cart = expectData(await client(`query($id: ID!) { cart(id: $id) { version totalQuantity } }`, { id: cartId })).cart;
    expect(cart).toEqual({ version: 1, totalQuantity: 0 });
  });

  it('refuses a variant the catalog cannot sell any more', async () => {
    const soldOut = variant(6);
    const admin = signedSubgraphClient(catalogServer.url, TEST_SIGNING_SECRET, callers.admin());
    for (const level of stock.filter((candidate) => candidate.variantId === soldOut.id && candidate.onHand > 0)) {
      const adjusted = expectData(
        await admin(`mutation($input: AdjustInventoryInput!) { adjustInventory(input: $input) { userErrors { code message } } }`, {
          input: { variantId: soldOut.id, locationId: level.locationId, delta: -level.onHand, reason: 'COUNTED', idempotencyKey: `sell-out-${level.locationId}` },
        }),
      );
      expect(adjusted.adjustInventory.userErrors).toEqual([]);
    }
    const { client, cartId } = await newShopperCart();
    const payload = await add(client, { cartId, lines: [{ variantId: soldOut.id, quantity: 1 }] });
    expect(codes(payload)).toEqual([['OUT_OF_STOCK', 'input.lines.0.variantId']]);
  });

  it("prices a USD cart with the variant's USD price, and refuses a variant with no price in the cart's currency", async () => {
    const usd = variant(7).otherPrices.find((price) => price.currencyCode === 'USD')!;
    const { client, cartId } = await newShopperCart({ currencyCode: 'USD' });
    const payload = await add(client, { cartId, lines: [{ variantId: variant(7).id, quantity: 2 }] });
    expect(payload.userErrors).toEqual([]);
    expect(payload.cart!.lines.edges[0]!.node.unitPrice).toEqual(toMoney(usd.amountMinor, 'USD'));
    expect(payload.cart!.subtotal).toEqual(toMoney(usd.amountMinor * 2, 'USD'));

    const pounds = await newShopperCart({ currencyCode: 'GBP' });
    const refused = await add(pounds.client, { cartId: pounds.cartId, lines: [{ variantId: variant(7).id, quantity: 1 }] });
    expect(codes(refused)).toEqual([['INVALID', 'input.lines.0.variantId']]);
  });

  it('refuses a stale expectedVersion with VERSION_CONFLICT and changes nothing', async () => {
    const { client, cartId } = await newShopperCart();
    await add(client, { cartId, lines: [{ variantId: variant(8).id, quantity: 1 }] });
    const stale = await add(client, { cartId, lines: [{ variantId: variant(9).id, quantity: 1 }], expectedVersion: 1 });
    expect(stale.cart).toBeNull();
    expect(codes(stale)).toEqual([['VERSION_CONFLICT', 'input.expectedVersion']]);
    const cart = expectData(await client(`query($id: ID!) { cart(id: $id) { version totalQuantity } }`, { id: cartId })).cart;
    expect(cart).toEqual({ version: 2, totalQuantity: 1 });
  });

  it("refuses someone else's cart before asking the catalog", async () => {
    const { cartId } = await newShopperCart();
    const before = catalogDatabase.statements.total;
    const payload = await add(asCaller(callers.customer(newId('cus'))), { cartId, lines: [{ variantId: variant(10).id, quantity: 1 }] });
    expect(codes(payload)).toEqual([['FORBIDDEN', 'input.cartId']]);
    expect(catalogDatabase.statements.total).toBe(before);
  });

  it.skipIf(!onPostgresServer())('loses no unit when 20 shoppers add the same variant at the same time', async () => {
    const { client, cartId } = await newShopperCart();
    const popular = variant(11);
    expect(totalStockOf(popular.id)).toBeGreaterThanOrEqual(20);
    const payloads = await Promise.all(Array.from({ length: 20 }, () => add(client, { cartId, lines: [{ variantId: popular.id, quantity: 1 }] })));
    for (const payload of payloads) expect(payload.userErrors).toEqual([]);
    const cart = expectData(await client(`query($id: ID!) { cart(id: $id) { version totalQuantity lines { totalCount } } }`, { id: cartId })).cart;
    expect(cart).toEqual({ version: 21, totalQuantity: 20, lines: { totalCount: 1 } });
    // Written on the version read or, when another came first, under the lock: each change announced once, with what it left.
    const announced = (await changedEvents(cartId)).map((event) => [event.payload.version, event.payload.totalQuantity]);
    expect(announced.sort(([a], [b]) => a! - b!)).toEqual(Array.from({ length: 20 }, (_, index) => [index + 2, index + 1]));
  });

  it.skipIf(!onPostgresServer())('lets exactly one of 10 shoppers adding at the same expectedVersion win, and announces only that change', async () => {
    const { client, cartId } = await newShopperCart();
    const payloads = await Promise.all(
      Array.from({ length: 10 }, (_, index) => add(client, { cartId, lines: [{ variantId: variant(12 + index).id, quantity: 1 }], expectedVersion: 1 })),
    );
    expect(payloads.filter((payload) => payload.userErrors.length === 0)).toHaveLength(1);
    expect(payloads.filter((payload) => codes(payload)[0]?.[0] === 'VERSION_CONFLICT')).toHaveLength(9);
    const cart = expectData(await client(`query($id: ID!) { cart(id: $id) { version totalQuantity lines { totalCount } } }`, { id: cartId })).cart;
    expect(cart).toEqual({ version: 2, totalQuantity: 1, lines: { totalCount: 1 } });
    expect((await changedEvents(cartId)).map((event) => event.payload.version)).toEqual([2]);
  });

  it('announces an addition with the payload and time of every other cart change', async () => {
    const { customerId, client, cartId } = await newShopperCart();
    const payload = await add(client, { cartId, lines: [{ variantId: variant(2).id, quantity: 2 }, { variantId: variant(3).id, quantity: 1 }] });
    expect(payload.userErrors).toEqual([]);
    const [event, ...more] = await changedEvents(cartId);
    expect(more).toEqual([]);
    expect(event!.payload).toEqual({ cartId, customerId, guestId: null, channel: 'WEB', version: 2, totalQuantity: 3, couponCodes: [] });
    const [stored] = rowsOf<{ updated_at: string }>(await cartDatabase.db.execute(sql`select updated_at::text from cart.carts where id = ${cartId}`));
    expect(event!.occurredAt).toBe(stored!.updated_at);
  });
});

describe('addCartLines and publication', () => {
  it('refuses a variant the caller’s channel does not offer as an unknown one, and changes nothing', async () => {
    const onlineOnly = products.findIndex((product) => !product.channels.includes('POS') && product.channels.includes('WEB'));
    expect(onlineOnly).toBeGreaterThan(-1);
    const { client, cartId } = await newShopperCart();
    const staff = asCaller(callers.staff(cashier.id, cashier.homeLocationId));
    const atTill = await add(staff, { cartId, lines: [{ variantId: variant(onlineOnly).id, quantity: 1 }] });
    expect(atTill).toMatchObject({ cart: null, userErrors: [{ code: 'NOT_FOUND', field: ['input', 'lines', '0', 'variantId'] }] });
    // The same variant on the web, where it is offered.
    expect((await add(client, { cartId, lines: [{ variantId: variant(onlineOnly).id, quantity: 1 }] })).userErrors).toEqual([]);
  });

  it('refuses a draft to everyone, staff included', async () => {
    const draft = products[7]!;
    const setChannels = (channels: readonly string[]) =>
      catalogDatabase.db.execute(sql`update catalog.products set channels = ${`{${channels.join(',')}}`}::text[] where id = ${draft.id}`);
    await setChannels([]);
    try {
      const { client, cartId } = await newShopperCart();
      const staff = asCaller(callers.staff(cashier.id, cashier.homeLocationId));
      for (const caller of [client, staff]) {
        const refused = await add(caller, { cartId, lines: [{ variantId: draft.variants[0]!.id, quantity: 1 }], expectedVersion: 1 });
        expect(codes(refused)).toEqual([['NOT_FOUND', 'input.lines.0.variantId']]);
      }
    } finally {
      await setChannels(draft.channels);
    }
  });
});
