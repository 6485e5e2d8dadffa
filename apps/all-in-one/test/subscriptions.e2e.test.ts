import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { mintAccessToken } from '@omni/auth';
import { DEMO_LOCATIONS, demoCatalog } from '@omni/demo-data';
import { createFetchTransport, createMemoryStore, followCartLive, PosCart, type CartState } from '@omni/pos-client';
import { expectData, gatewayClient, TEST_TOKEN_SECRET } from '@omni/testing';
import { liveClient, percentile, sseClient, webSocketClient, type LiveClient, type LiveMessage, type Transport } from './support/live-clients';
import { startTestSupergraph, type TestSupergraph } from './support/test-supergraph';

/**
 * Live updates through the gateway, over a real WebSocket (graphql-ws) and real Server-Sent Events
 * (graphql-sse): a change committed by one device reaches another device subscribed to it,
 * authorised exactly like the matching query.
 */
let supergraph: TestSupergraph;
const clients: LiveClient[] = [];
const open = (transport: Transport, token?: string) => {
  const client = liveClient(transport, supergraph.gatewayUrl, token);
  clients.push(client);
  return client;
};

beforeAll(async () => {
  // Fifty changes a second from one till are what is measured here, not the rate limits.
  supergraph = await startTestSupergraph({ rateLimits: false });
}, 120_000);

afterAll(async () => {
  await Promise.all(clients.map((client) => client.close()));
  await supergraph?.close();
});

const BERLIN = DEMO_LOCATIONS.find((location) => location.key === 'berlin-mitte')!.id;
const { products, stock } = demoCatalog();
const onHandAt = (variantId: string, locationId: string) => stock.find((level) => level.variantId === variantId && level.locationId === locationId)?.onHand ?? 0;
const [VARIANT_A, VARIANT_B] = products
  .filter((product) => product.channels.includes('POS') && product.channels.includes('WEB'))
  .map((product) => product.variants[0]!.id)
  .filter((variantId) => onHandAt(variantId, BERLIN) >= 10);

const CART_SELECTION = `
  id version status
  lines(first: 50) { edges { node { id quantity variant { id sku product { id title } } } } }
  discounts { title amount { amount currencyCode } }
  subtotal { amount currencyCode } total { amount currencyCode }`;
const CART_UPDATED = `subscription Live($cartId: ID!) { cartUpdated(cartId: $cartId) { ${CART_SELECTION} } }`;
const IDENTIFY = `mutation($input: IdentifyCustomerInput!) { identifyCustomer(input: $input) { customer { id } userErrors { code } } }`;
const CREATE_CART = `mutation($input: CreateCartInput!) { createCart(input: $input) { cart { id version lines(first: 5) { edges { node { id } } } } userErrors { code message } } }`;
const ADD_LINES = `mutation($input: AddCartLinesInput!) { addCartLines(input: $input) { cart { id version lines(first: 5) { edges { node { id } } } } userErrors { code message } } }`;
const UPDATE_LINES = `mutation($input: UpdateCartLinesInput!) { updateCartLines(input: $input) { cart { version } userErrors { code message } } }`;

const versionOf = (message: LiveMessage) => message.data?.cartUpdated?.version as number | undefined;
const codesOf = (message: { errors?: { extensions?: Record<string, unknown> }[] }) => (message.errors ?? []).map((error) => error.extensions?.code);
/** The errors graphql-ws reported with an `error` message (a refused subscribe). */
const errorsOf = (outcome: { error?: unknown }) => (Array.isArray(outcome.error) ? (outcome.error as { message: string; extensions?: { code?: string } }[]) : []);

let customerCount = 0;
async function newCustomer(): Promise<{ id: string; token: string }> {
  customerCount += 1;
  const admin = await supergraph.as('admin');
  const id = expectData(await admin(IDENTIFY, { input: { identifiers: [{ kind: 'EMAIL', value: `live-${customerCount}-${Date.now()}@example.com`, verified: true }], firstName: 'Live' } })).identifyCustomer.customer.id as string;
  return { id, token: await mintAccessToken(TEST_TOKEN_SECRET, { role: 'customer', sub: id, channel: 'WEB' }) };
}

/** A Berlin till opens a cart for the customer with one line; returns the cart and line ids. */
async function tillCart(customerId: string): Promise<{ cartId: string; lineId: string; version: number }> {
  const till = await supergraph.as('staff', 'berlin-cashier', 'POS');
  const created = expectData(await till(CREATE_CART, { input: { customerId } })).createCart;
  expect(created.userErrors).toEqual([]);
  const added = expectData(await till(ADD_LINES, { input: { cartId: created.cart.id, lines: [{ variantId: VARIANT_A, quantity: 1 }] } })).addCartLines;
  expect(added.userErrors).toEqual([]);
  return { cartId: added.cart.id, lineId: added.cart.lines.edges[0].node.id, version: added.cart.version };
}

describe('cartUpdated', () => {
  for (const transport of ['ws', 'sse'] as const) {
    it(`a change by a till reaches the customer's other device (${transport}), full selection, p50/p95 printed`, async () => {
      const customer = await newCustomer();
      const { cartId, lineId, version } = await tillCart(customer.id);
      const till = await supergraph.as('staff', 'berlin-cashier', 'POS');
      const subscription = open(transport, customer.token).subscribe(CART_UPDATED, { cartId });
      const first = await subscription.next((message) => versionOf(message) === version);
      expect(first.errors).toBeUndefined();
      expect(first.data!.cartUpdated).toMatchObject({
        id: cartId,
        status: 'ACTIVE',
        lines: { edges: [{ node: { id: lineId, quantity: 1, variant: { id: VARIANT_A, product: { title: expect.any(String) } } } }] },
        subtotal: { amount: expect.any(String), currencyCode: expect.any(String) },
        total: { amount: expect.any(String) },
      });

      const fromCommit: number[] = [];
      const fromRequest: number[] = [];
      for (let change = 0; change < 50; change++) {
        const quantity = (change % 5) + 2;
        const sent = performance.now();
        const updated = expectData(await till(UPDATE_LINES, { input: { cartId, lines: [{ lineId, quantity }] } })).updateCartLines;
        const committed = performance.now();
        expect(updated.userErrors).toEqual([]);
        const pushed = await subscription.next((message) => versionOf(message) === updated.cart.version);
        expect(pushed.data!.cartUpdated.lines.edges[0].node.quantity).toBe(quantity);
        fromCommit.push(Math.max(0, pushed.at - committed));
        fromRequest.push(pushed.at - sent);
      }
      const figure = (samples: number[]) => `p50 ${percentile(samples, 0.5).toFixed(1)} ms, p95 ${percentile(samples, 0.95).toFixed(1)} ms`;
      // A push costs one run of the same query; timed alone for comparison.
      const queryAlone: number[] = [];
      for (let run = 0; run < 10; run++) {
        const started = performance.now();
        expectData(await gatewayClient(supergraph.gatewayUrl, customer.token)(`query($cartId: ID!) { cart(id: $cartId) { ${CART_SELECTION} } }`, { cartId }));
        queryAlone.push(performance.now() - started);
      }
      console.log(`live cart over ${transport}: committed → pushed ${figure(fromCommit)}; request sent → pushed ${figure(fromRequest)} (50 changes); the same query alone ${figure(queryAlone)}`);
      // The target is p95 < 100 ms on a quiet machine (see `npm run bench`); a machine shared
      // with other work makes every query slower, so this bound only catches a push that waits
      // for something (a poll, a lost wake-up) instead of following the commit.
      expect(percentile(fromCommit, 0.95)).toBeLessThan(Math.max(1_000, 4 * percentile(queryAlone, 0.95)));
      // Results identical to the last one sent are skipped: one message per version.
      const versions = subscription.messages.map(versionOf);
      expect(new Set(versions).size).toBe(versions.length);
      subscription.stop();
      // Fifty changes one after another: minutes on a machine busy with other work.
    }, 240_000);
  }

  it('a reconnecting device first gets the current state', async () => {
    const customer = await newCustomer();
    const { cartId, lineId, version } = await tillCart(customer.id);
    const device = open('ws', customer.token);
    const before = device.subscribe(CART_UPDATED, { cartId });
    await before.next((message) => versionOf(message) === version);
    before.stop();
    const till = await supergraph.as('staff', 'berlin-cashier', 'POS');
    const updated = expectData(await till(UPDATE_LINES, { input: { cartId, lines: [{ lineId, quantity: 4 }] } })).updateCartLines;
    for (const transport of ['ws', 'sse'] as const) {
      const again = open(transport, customer.token).subscribe(CART_UPDATED, { cartId });
      const first = await again.next(() => true);
      expect(versionOf(first)).toBe(updated.cart.version);
      expect(first.data!.cartUpdated.lines.edges[0].node.quantity).toBe(4);
      again.stop();
    }
  }, 30_000);

  it("refuses another customer's cart, and staff the query refuses, with the query's error and no data", async () => {
    const owner = await newCustomer();
    const stranger = await newCustomer();
    const { cartId } = await tillCart(owner.id);
    const warehouseToken = await supergraph.token('staff', 'leipzig-warehouse');
    // The query's answer for each caller, over HTTP, is what the subscription must answer.
    const queried = await gatewayClient(supergraph.gatewayUrl, warehouseToken)(`query($id: ID!) { cart(id: $id) { id } }`, { id: cartId });
    expect(codesOf(queried)).toEqual(['FORBIDDEN']);
    for (const transport of ['ws', 'sse'] as const) {
      for (const [token, code] of [
        [stranger.token, 'FORBIDDEN'],
        [warehouseToken, 'FORBIDDEN'],
        [undefined, 'UNAUTHENTICATED'],
      ] as const) {
        const subscription = open(transport, token).subscribe(CART_UPDATED, { cartId });
        await subscription.ended;
        expect(subscription.messages).toHaveLength(1);
        expect(subscription.messages[0]!.data ?? null).toBeNull();
        expect(codesOf(subscription.messages[0]!)).toEqual([code]);
      }
    }
  }, 30_000);

  it('ends when the token it was opened with expires, with UNAUTHENTICATED, and refuses new subscriptions on that connection', async () => {
    const customer = await newCustomer();
    const { cartId } = await tillCart(customer.id);
    for (const transport of ['ws', 'sse'] as const) {
      const shortLived = await mintAccessToken(TEST_TOKEN_SECRET, { role: 'customer', sub: customer.id, channel: 'WEB' }, { expiresIn: '3s' });
      const expiresAt = Date.now() + 3_000;
      const client = open(transport, shortLived);
      const subscription = client.subscribe(CART_UPDATED, { cartId });
      await subscription.ended;
      // The current cart first, while the token is valid; then the expiry, and nothing after it.
      expect(subscription.messages[0]!.data?.cartUpdated?.id).toBe(cartId);
      expect(codesOf(subscription.messages.at(-1)!)).toEqual(['UNAUTHENTICATED']);
      expect(Date.now()).toBeGreaterThanOrEqual(expiresAt - 1_000);
      // graphql-ws reports the refusal as an `error` message, graphql-sse as the one result of the stream.
      const again = client.subscribe(CART_UPDATED, { cartId });
      const outcome = await again.ended;
      const refusal = transport === 'ws' ? errorsOf(outcome) : (again.messages[0]?.errors ?? []);
      expect(refusal.map((error) => error.extensions?.code)).toEqual(['UNAUTHENTICATED']);
      expect(again.messages.every((message) => message.data == null)).toBe(true);
    }
  }, 30_000);

  it('an unknown cart ends with NOT_FOUND', async () => {
    const customer = await newCustomer();
    const subscription = open('ws', customer.token).subscribe(CART_UPDATED, { cartId: 'cart_00000000000000000000000000' });
    await subscription.ended;
    expect(subscription.messages.flatMap(codesOf)).toEqual([expect.stringMatching(/NOT_FOUND|FORBIDDEN/)]);
  });
});

describe('the POS client library', () => {
  it('a till following its cart live sees a change made on the web without syncing', async () => {
    const customer = await newCustomer();
    const { cartId, version } = await tillCart(customer.id);
    const tillToken = await supergraph.token('staff', 'berlin-cashier', 'POS');
    const posCart = await PosCart.open({ cartId, deviceId: 'till-live-1', transport: createFetchTransport({ url: supergraph.gatewayUrl, token: tillToken }), store: createMemoryStore() });
    const views: CartState[] = [];
    posCart.subscribe((view) => views.push(view));
    const live = followCartLive(posCart, { url: supergraph.gatewayUrl.replace(/^http/, 'ws'), token: tillToken, webSocketImpl: WebSocket });
    await live.ready;
    expect(posCart.canonical()?.version).toBe(version);
    const web = gatewayClient(supergraph.gatewayUrl, customer.token);
    const added = expectData(await web(ADD_LINES, { input: { cartId, lines: [{ variantId: VARIANT_B, quantity: 2 }] } })).addCartLines;
    expect(added.userErrors).toEqual([]);
    await expect.poll(() => posCart.canonical()?.version, { timeout: 5_000 }).toBe(added.cart.version);
    expect(posCart.view().lines.find((line) => line.variantId === VARIANT_B)?.quantity).toBe(2);
    expect(views.at(-1)?.version).toBe(added.cart.version);
    await live.stop();
  }, 30_000);
});

describe('stockChanged', () => {
  it('follows adjustments and checkouts at one store', async () => {
    const manager = await supergraph.as('staff', 'berlin-manager', 'POS');
    const token = await supergraph.token('staff', 'berlin-manager', 'POS');
    const query = `subscription($ids: [ID!]!, $at: ID!) { stockChanged(variantIds: $ids, locationId: $at) { available onHand reserved variant { id } location { id } } }`;
    for (const transport of ['ws', 'sse'] as const) {
      const subscription = open(transport, token).subscribe(query, { ids: [VARIANT_A, VARIANT_B, 'var_00000000000000000000000000'], at: BERLIN });
      const first = await subscription.next(() => true);
      const [a, b, unknown] = first.data!.stockChanged;
      expect(a).toMatchObject({ variant: { id: VARIANT_A }, location: { id: BERLIN }, onHand: expect.any(Number) });
      expect(b).toMatchObject({ variant: { id: VARIANT_B } });
      expect(unknown).toBeNull();
      const adjusted = expectData(
        await manager(`mutation($input: AdjustInventoryInput!) { adjustInventory(input: $input) { stockLevel { onHand } userErrors { code message } } }`, {
          input: { variantId: VARIANT_B, locationId: BERLIN, delta: 3, reason: 'RECEIVED', idempotencyKey: `live-${transport}-${Date.now()}` },
        }),
      ).adjustInventory;
      expect(adjusted.userErrors).toEqual([]);
      const pushed = await subscription.next((message) => message.data?.stockChanged?.[1]?.onHand === adjusted.stockLevel.onHand);
      expect(pushed.data!.stockChanged[1].onHand).toBe(b.onHand + 3);
      subscription.stop();
    }

    // A customer checks out a pickup at Berlin: the stock it holds moves the store's level live.
    const customer = await newCustomer();
    const subscription = open('ws', token).subscribe(query, { ids: [VARIANT_A], at: BERLIN });
    const before = (await subscription.next(() => true)).data!.stockChanged[0];
    const shopper = gatewayClient(supergraph.gatewayUrl, customer.token);
    const cart = expectData(await shopper(`mutation { createCart(input: {}) { cart { id } userErrors { code } } }`)).createCart.cart.id as string;
    expect(expectData(await shopper(ADD_LINES, { input: { cartId: cart, lines: [{ variantId: VARIANT_A, quantity: 1 }] } })).addCartLines.userErrors).toEqual([]);
    const checkout = expectData(
      await shopper(`mutation($input: CheckoutInput!) { checkout(input: $input) { order { id } userErrors { code message } } }`, {
        input: { cartId: cart, fulfillment: { method: 'PICKUP', locationId: BERLIN }, payment: { provider: 'TEST_CARD', cardToken: 'tok_visa' }, idempotencyKey: `live-checkout-${Date.now()}` },
      }),
    ).checkout;
    if (checkout.userErrors.length === 0) {
      const pushed = await subscription.next((message) => message.data?.stockChanged?.[0]?.available === before.available - 1);
      // Held for the pickup, or already taken from stock on hand: either way one unit fewer on sale.
      const after = pushed.data!.stockChanged[0];
      expect(after.reserved - before.reserved + (before.onHand - after.onHand)).toBe(1);
    } else {
      // The checkout input this test sends must match the schema; a refusal here is a test bug.
      throw new Error(`checkout refused: ${JSON.stringify(checkout.userErrors)}`);
    }
    subscription.stop();
  }, 60_000);
});

describe('conversationUpdated', () => {
  it('follows a conversation as inbound messages arrive, for the customer and the agent', async () => {
    const customer = await newCustomer();
    const agent = await supergraph.as('staff', 'support-agent', 'CALL_CENTER');
    const agentToken = await supergraph.token('staff', 'support-agent', 'CALL_CENTER');
    const logCall = async (text: string, key: string) =>
      expectData(
        await agent(`mutation($input: LogCustomerContactInput!) { logCustomerContact(input: $input) { conversationId messageId userErrors { code field } } }`, {
          input: { customerId: customer.id, provider: 'PHONE', text, idempotencyKey: key },
        }),
      ).logCustomerContact;
    const first = await logCall('Where is my parcel?', `live-call-1-${customer.id}`);
    expect(first.userErrors).toEqual([]);
    const query = `subscription($id: ID!) { conversationUpdated(conversationId: $id) { id messages(first: 20) { edges { node { id body } } } } }`;
    const asCustomer = open('sse', customer.token).subscribe(query, { id: first.conversationId });
    const asAgent = open('ws', agentToken).subscribe(query, { id: first.conversationId });
    const count = (message: LiveMessage) => message.data?.conversationUpdated?.messages.edges.length as number | undefined;
    await asCustomer.next((message) => count(message) === 1);
    await asAgent.next((message) => count(message) === 1);
    const second = await logCall('It has not arrived yet.', `live-call-2-${customer.id}`);
    expect(second.conversationId).toBe(first.conversationId);
    for (const subscription of [asCustomer, asAgent]) {
      const pushed = await subscription.next((message) => count(message) === 2);
      expect(pushed.data!.conversationUpdated.messages.edges.map((edge: { node: { id: string } }) => edge.node.id)).toContain(second.messageId);
    }
    // A status change without a message is pushed too: the agent takes the conversation.
    const statusQuery = `subscription($id: ID!) { conversationUpdated(conversationId: $id) { id status } }`;
    const followingStatus = open('ws', agentToken).subscribe(statusQuery, { id: first.conversationId });
    const statusOf = (message: LiveMessage) => message.data?.conversationUpdated?.status as string | undefined;
    const before = statusOf(await followingStatus.next((message) => statusOf(message) !== undefined));
    expect(before).not.toBe('ASSIGNED');
    const taken = expectData(await agent(`mutation($input: TakeConversationInput!) { takeConversation(input: $input) { userErrors { code } } }`, { input: { conversationId: first.conversationId } })).takeConversation;
    expect(taken.userErrors).toEqual([]);
    await followingStatus.next((message) => statusOf(message) === 'ASSIGNED');
    // Another customer may not follow it.
    const stranger = await newCustomer();
    const refused = open('ws', stranger.token).subscribe(query, { id: first.conversationId });
    await refused.ended;
    expect(refused.messages.flatMap(codesOf)).toEqual(['FORBIDDEN']);
  }, 30_000);
});

describe('refusals', () => {

  it('a bad token, a malformed or invalid document, a query, too many variants: clear errors over both transports', async () => {
    const token = await supergraph.token('customer', 'anna');
    const cases: [string | undefined, string, Record<string, unknown> | undefined, string][] = [
      ['not-a-token', CART_UPDATED, { cartId: 'cart_x' }, 'UNAUTHENTICATED'],
      [token, 'subscription { cartUpdated(cartId: "cart_x") { id ', undefined, 'BAD_USER_INPUT'],
      [token, 'subscription { cartUpdated(cartId: "cart_x") { noSuchField } }', undefined, 'BAD_USER_INPUT'],
      [token, 'query { __typename }', undefined, 'BAD_USER_INPUT'],
      [token, CART_UPDATED, {}, 'BAD_USER_INPUT'],
      [token, 'subscription($ids: [ID!]!) { stockChanged(variantIds: $ids, locationId: "loc_x") { available } }', { ids: Array.from({ length: 21 }, (_, i) => `var_${i}`) }, 'BAD_USER_INPUT'],
    ];
    for (const transport of ['ws', 'sse'] as const) {
      for (const [bearer, query, variables, code] of cases) {
        const client = transport === 'ws' ? webSocketClient(supergraph.gatewayUrl, bearer) : sseClient(supergraph.gatewayUrl, bearer);
        clients.push(client);
        const subscription = client.subscribe(query, variables);
        const outcome = await subscription.ended;
        // graphql-ws reports refusals as an `error` message, graphql-sse as the one result of the stream.
        const errors = transport === 'ws' ? errorsOf(outcome) : (subscription.messages[0]?.errors ?? []);
        expect(errors.length, `${transport} ${query}`).toBeGreaterThan(0);
        expect(errors.map((error) => error.extensions?.code), `${transport} ${query}`).toContain(code);
        expect(subscription.messages.every((message) => message.data == null)).toBe(true);
      }
    }
  }, 30_000);

  it('operation limits apply to subscriptions: a too deep one ends with the limit error and no data', async () => {
    const customer = await newCustomer();
    const { cartId } = await tillCart(customer.id);
    const deep = `subscription($cartId: ID!) { cartUpdated(cartId: $cartId) { ${'customer { cart { '.repeat(8)}id${' } }'.repeat(8)} } }`;
    for (const transport of ['ws', 'sse'] as const) {
      const subscription = open(transport, customer.token).subscribe(deep, { cartId });
      await subscription.ended;
      expect(subscription.messages).toHaveLength(1);
      expect(subscription.messages[0]!.data ?? null).toBeNull();
      expect(codesOf(subscription.messages[0]!)).toEqual(['BAD_USER_INPUT']);
      expect(subscription.messages[0]!.errors![0]!.message).toMatch(/deep|depth/i);
    }
  }, 30_000);

  it('a subscription over plain HTTP is told where subscriptions are served', async () => {
    const response = await supergraph.anonymous(CART_UPDATED, { cartId: 'cart_x' });
    expect(response.data ?? null).toBeNull();
    expect(codesOf(response)).toEqual(['BAD_USER_INPUT']);
    expect(response.errors![0]!.message).toMatch(/WebSocket.*Server-Sent Events/);
  });

  it('bounds the subscriptions of one connection', async () => {
    const customer = await newCustomer();
    const { cartId } = await tillCart(customer.id);
    const client = open('ws', customer.token);
    const subscriptions = Array.from({ length: 26 }, () => client.subscribe(CART_UPDATED, { cartId }));
    const refused = await subscriptions[25]!.ended;
    expect(errorsOf(refused).map((error) => error.extensions?.code)).toEqual(['RATE_LIMITED']);
    for (const subscription of subscriptions.slice(0, 25)) await subscription.next(() => true);
  }, 30_000);

  it('survives protocol garbage and stays up', async () => {
    const socket = new WebSocket(supergraph.gatewayUrl.replace(/^http/, 'ws'), 'graphql-transport-ws');
    const closed = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)));
    await new Promise((resolve) => socket.on('open', resolve));
    socket.send('this is not json');
    expect(await closed).toBe(4400);
    const other = new WebSocket(new URL('/no-such-path', supergraph.gatewayUrl.replace(/^http/, 'ws')).toString(), 'graphql-transport-ws');
    await new Promise<void>((resolve) => other.on('error', () => resolve()));
    const introspected = expectData(await supergraph.anonymous(`{ __schema { subscriptionType { fields { name } } } }`));
    expect(introspected.__schema.subscriptionType.fields.map((field: { name: string }) => field.name).sort()).toEqual(['cartUpdated', 'conversationUpdated', 'stockChanged']);
  });
});
