import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { connect } from 'nats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_LOCATIONS, demoCatalog } from '@omni/demo-data';
import { openPostgres, type DatabaseClient } from '@omni/db';
import { createEventBus, type DomainEvent, type EventBus, type EventConsumer, type OutboxRelay } from '@omni/events';
import { createGateway, SUPERGRAPH_FILE } from '@omni/gateway';
import type { RunningServer } from '@omni/graphql';
import { createCartEventRelay, createCartSubgraph, openCartDatabase, startCartEventConsumer } from '@omni/subgraph-cart';
import { createCatalogSubgraph, openCatalogDatabase } from '@omni/subgraph-catalog';
import { createConsoleCodeSender, createCustomerEventRelay, createCustomerSubgraph, openCustomerDatabase, startCustomerEventConsumer } from '@omni/subgraph-customer';
import { createPromotionsSubgraph, openPromotionsDatabase, startPromotionEventConsumer } from '@omni/subgraph-promotions';
import { createSupportEventRelay, createSupportSubgraph, openSupportDatabase, startSupportEventConsumer } from '@omni/subgraph-support';
import { createTestDatabase, expectData, gatewayClient, onPostgresServer, testEventBusUrl, TEST_SIGNING_SECRET, TEST_TOKEN_SECRET, type TestDatabase } from '@omni/testing';
import { mintDemoToken } from '../src/demo-tokens';
import { liveClient, type LiveClient } from './support/live-clients';
import { openDatabases } from '../src/start-supergraph';

/**
 * Scale-out: two instances of the gateway, the cart and the customer subgraph (one of the others)
 * on one database, as separate servers with their own connections and event bus clients, exactly
 * as separate containers would be. Every domain event must be applied once whichever instance
 * took it, and every gateway instance must hear of every change for its live clients.
 */
const natsUrl = testEventBusUrl() ?? 'nats://127.0.0.1:4222';

async function natsAnswers(): Promise<boolean> {
  try {
    const connection = await connect({ servers: natsUrl, timeout: 2_000, maxReconnectAttempts: 0 });
    await connection.close();
    return true;
  } catch {
    return false;
  }
}

const onServer = onPostgresServer();
const withNats = onServer && (await natsAnswers());
if (!onServer) console.warn('Scale-out test skipped: it needs a Postgres server shared by the instances (DATABASE_URL); PGlite lives inside one process');
else if (!withNats) console.warn(`Scale-out test on JetStream skipped: no NATS server answers at ${natsUrl}; the Postgres LISTEN/NOTIFY variant still runs`);

const BERLIN = DEMO_LOCATIONS.find((location) => location.key === 'berlin-mitte')!.id;
const { products, stock } = demoCatalog();
const onHand = (variantId: string) => stock.find((level) => level.variantId === variantId && level.locationId === BERLIN)?.onHand ?? 0;
const variants = products.map((product) => product.variants[0]!).filter((variant) => onHand(variant.id) >= 10);
const CUSTOMERS = ['anna', 'ben', 'chen', 'dmitry'] as const;

const CREATE = `mutation { createCart(input: {}) { cart { id version } userErrors { code } } }`;
const ADD = `mutation($input: AddCartLinesInput!) { addCartLines(input: $input) { cart { id version lines { edges { node { id } } } } userErrors { code } } }`;
const UPDATE = `mutation($input: UpdateCartLinesInput!) { updateCartLines(input: $input) { cart { version } userErrors { code } } }`;
const CHECKOUT = `mutation($input: CheckoutInput!) { checkout(input: $input) { order { id } userErrors { code message } } }`;
const CART_UPDATED = `subscription($cartId: ID!) { cartUpdated(cartId: $cartId) { id version } }`;

interface Deployment {
  gatewayUrls: [string, string];
  /** Events each gateway instance's live feed delivered, by instance. */
  heard: [DomainEvent[], DomainEvent[]];
  admin: DatabaseClient;
  stop(): Promise<void>;
}

/** Starts every instance; `busUrl` picks JetStream (`nats://`) or direct delivery with a Postgres live feed. */
async function deploy(database: TestDatabase, busUrl: string): Promise<Deployment> {
  if (database.client.kind !== 'postgres') throw new Error('needs a Postgres server');
  const url = database.client.url;
  const namespace = `t_${randomBytes(6).toString('hex')}`;
  const signingSecret = TEST_SIGNING_SECRET;
  const clients: DatabaseClient[] = [];
  const buses: EventBus[] = [];
  const servers: RunningServer[] = [];
  const relays: OutboxRelay[] = [];
  const consumers: EventConsumer[] = [];
  // Each instance is a process of its own: its own small pool and its own bus connection.
  const instance = async (name: string) => {
    const client = openPostgres(url, { maxConnections: 3 });
    clients.push(client);
    const bus = await createEventBus({ url: busUrl, namespace, name });
    buses.push(bus);
    return { client, bus };
  };
  const listen = async (server: { listen(port: number, host?: string): Promise<RunningServer> }) => {
    const running = await server.listen(0, '127.0.0.1');
    servers.push(running);
    return running.url;
  };
  const stop = async () => {
    for (const relay of relays) await relay.stop();
    await Promise.all(consumers.map((consumer) => consumer.stop()));
    for (const server of servers.reverse()) await server.stop();
    await buses[0]?.jetstream?.destroy();
    await Promise.all(buses.map((bus) => bus.close()));
    await Promise.all(clients.map((client) => client.close()));
  };

  try {
    const catalogUrl = await (async () => {
      const { client } = await instance('catalog');
      return listen(createCatalogSubgraph({ database: await openCatalogDatabase(client), signingSecret }));
    })();
    const urls: Record<string, string> = {};
    const customerUrls: string[] = [];
    const cartUrls: string[] = [];
    for (const index of [0, 1]) {
      const { client, bus } = await instance(`customer-${index}`);
      const database = await openCustomerDatabase(client);
      customerUrls.push(
        await listen(
          createCustomerSubgraph({
            database,
            signingSecret,
            tokenSecret: TEST_TOKEN_SECRET,
            siblingUrls: { cart: () => cartUrls[index]!, support: () => urls.support!, catalog: catalogUrl },
            codeSender: createConsoleCodeSender(),
            reminderSender: null,
          }),
        ),
      );
      relays.push(createCustomerEventRelay({ client, signingSecret, cartUrl: () => cartUrls[index]!, supportUrl: () => urls.support!, promotionsUrl: () => urls.promotions!, pollIntervalMs: 50, eventBus: bus }));
      if (bus.jetstream) consumers.push(await startCustomerEventConsumer(bus.jetstream, { db: database.db, reminderSender: null }));
    }
    for (const index of [0, 1]) {
      const { client, bus } = await instance(`cart-${index}`);
      const database = await openCartDatabase(client);
      cartUrls.push(await listen(createCartSubgraph({ database, signingSecret, catalogUrl, customerUrl: customerUrls[index]!, promotionsUrl: () => urls.promotions! })));
      relays.push(createCartEventRelay({ client, signingSecret, customerUrl: customerUrls[index]!, pollIntervalMs: 50, eventBus: bus }));
      if (bus.jetstream) consumers.push(await startCartEventConsumer(bus.jetstream, { db: database.db, signingSecret, catalogUrl }));
    }
    {
      const { client, bus } = await instance('promotions');
      const database = await openPromotionsDatabase(client);
      urls.promotions = await listen(createPromotionsSubgraph({ database, signingSecret, catalogUrl, customerUrl: customerUrls[0]! }));
      if (bus.jetstream) consumers.push(await startPromotionEventConsumer(bus.jetstream, { db: database.db }));
    }
    {
      const { client, bus } = await instance('support');
      const database = await openSupportDatabase(client);
      urls.support = await listen(createSupportSubgraph({ database, signingSecret, customerUrl: customerUrls[0]!, promotionsUrl: urls.promotions }));
      relays.push(createSupportEventRelay({ client, signingSecret, customerUrl: customerUrls[0]!, pollIntervalMs: 50, eventBus: bus }));
      if (bus.jetstream) consumers.push(await startSupportEventConsumer(bus.jetstream, { db: database.db }));
    }
    const heard: [DomainEvent[], DomainEvent[]] = [[], []];
    const gatewayUrls: string[] = [];
    for (const index of [0, 1] as const) {
      const { bus } = await instance(`gateway-${index}`);
      bus.liveFeed.listen((event) => heard[index].push(event));
      const subgraphUrls = { customer: customerUrls[index]!, catalog: catalogUrl, cart: cartUrls[index]!, promotions: urls.promotions!, support: urls.support! };
      gatewayUrls.push(await listen(createGateway({ supergraphSdl: readFileSync(SUPERGRAPH_FILE, 'utf8'), subgraphUrls, tokenSecret: TEST_TOKEN_SECRET, signingSecret, rateLimits: false, liveFeed: bus.liveFeed })));
    }
    for (const relay of relays) relay.start();
    return { gatewayUrls: gatewayUrls as [string, string], heard, admin: database.client, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not reached within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const rows = async <T>(client: DatabaseClient, query: string): Promise<T[]> => {
  if (client.kind !== 'postgres') throw new Error('needs a Postgres server');
  return (await client.sql.unsafe(query)) as unknown as T[];
};

const variantsOfBus = [
  { name: 'NATS JetStream (durable consumers, core NATS live feed)', url: () => natsUrl, enabled: withNats },
  { name: 'the embedded default (outbox relays calling consumers, Postgres LISTEN/NOTIFY live feed)', url: () => (database.client as { url: string }).url, enabled: onServer },
];

let database: TestDatabase;

beforeAll(async () => {
  if (!onServer) return;
  database = await createTestDatabase({ maxConnections: 4 });
  // Migrations and demo data once, before any instance starts.
  await openDatabases({ databases: database.client, seedDemoData: true });
});

afterAll(async () => {
  await database?.drop();
});

describe.each(variantsOfBus)('two instances of the gateway, cart and customer on $name', ({ url, enabled }) => {
  let deployment: Deployment;

  beforeAll(async () => {
    if (enabled) deployment = await deploy(database, url());
  });

  afterAll(async () => {
    await deployment?.stop();
  });

  it.skipIf(!enabled)('applies every event once, whichever instance took it, and tells both gateways of every change', async () => {
    const started = new Date();
    const orderIds: string[] = [];
    const cartIds: string[] = [];
    const liveClients: LiveClient[] = [];
    // Each customer works through both gateways at once: A creates and adds, B changes and checks out.
    await Promise.all(
      CUSTOMERS.map(async (key, index) => {
        const token = await mintDemoToken(TEST_TOKEN_SECRET, 'customer', key, 'WEB');
        const [viaA, viaB] = deployment.gatewayUrls.map((gatewayUrl) => gatewayClient(gatewayUrl, token));
        const cartId = expectData(await viaA!(CREATE)).createCart.cart.id as string;
        cartIds.push(cartId);
        // The customer's other devices follow the cart live: one over SSE on gateway A, one over WebSocket on B.
        const devices = [liveClient('sse', deployment.gatewayUrls[0], token), liveClient('ws', deployment.gatewayUrls[1], token)];
        liveClients.push(...devices);
        const following = devices.map((device) => device.subscribe(CART_UPDATED, { cartId }));
        const added = expectData(await viaA!(ADD, { input: { cartId, lines: [{ variantId: variants[index % variants.length]!.id, quantity: 1 }] } })).addCartLines;
        expect(added.userErrors).toEqual([]);
        const lineId = added.cart.lines.edges[0].node.id as string;
        let version = added.cart.version as number;
        for (const quantity of [2, 3, 2]) {
          const changed = expectData(await viaB!(UPDATE, { input: { cartId, lines: [{ lineId, quantity }], expectedVersion: version } })).updateCartLines;
          expect(changed.userErrors).toEqual([]);
          version = changed.cart.version;
        }
        // Changes made through gateway B and whichever cart instance served it reach both devices.
        const reached = (message: { data?: { cartUpdated?: { version?: number } } | null }) => (message.data?.cartUpdated?.version ?? 0) >= version;
        await Promise.all(following.map((subscription) => subscription.next(reached, 15_000)));
        following.forEach((subscription) => subscription.stop());
        const placed = expectData(
          await viaB!(CHECKOUT, { input: { cartId, idempotencyKey: `scale-out-${key}`, expectedVersion: version, fulfillment: { method: 'PICKUP', locationId: BERLIN }, payment: { provider: 'TEST_CARD', cardToken: 'tok_visa' } } }),
        ).checkout;
        expect(placed.userErrors).toEqual([]);
        orderIds.push(placed.order.id);
      }),
    );
    const inList = (ids: string[]) => ids.map((id) => `'${id}'`).join(',');
    const cartChanges = await rows<{ id: string; aggregate_id: string }>(deployment.admin, `select id, aggregate_id from cart.outbox_events where type = 'cart.changed' and aggregate_id in (${inList(cartIds)})`);
    expect(cartChanges.length).toBeGreaterThanOrEqual(CUSTOMERS.length * 5);

    await until('every event applied', async () => {
      const [entries] = await rows<{ count: number }>(deployment.admin, `select count(*)::int as count from customer.timeline_entries where kind = 'CART_CHANGED' and source_event_id in (${inList(cartChanges.map((event) => event.id))})`);
      const [earned] = await rows<{ count: number }>(deployment.admin, `select count(distinct order_id)::int as count from customer.loyalty_entries where kind = 'EARN' and order_id in (${inList(orderIds)})`);
      return entries!.count === cartChanges.length && earned!.count === orderIds.length;
    });
    // Redeliveries (two relays, two consumers per service, nak and retry) must not have added anything.
    await until('relays idle', async () => {
      const [pending] = await rows<{ count: number }>(
        deployment.admin,
        `select (select count(*) from cart.outbox_events where delivered_at is null) + (select count(*) from customer.outbox_events where delivered_at is null) as count`,
      );
      return Number(pending!.count) === 0;
    });
    await new Promise((resolve) => setTimeout(resolve, 500));

    // One timeline entry per cart change, however many instances saw it.
    const perEvent = await rows<{ source_event_id: string; entries: number }>(
      deployment.admin,
      `select source_event_id, count(*)::int as entries from customer.timeline_entries where source_event_id in (${inList(cartChanges.map((event) => event.id))}) group by source_event_id`,
    );
    expect(perEvent).toHaveLength(cartChanges.length);
    expect(perEvent.every((row) => row.entries === 1)).toBe(true);
    // Points earned once per order, and each order placed once on the timeline.
    const earnedPerOrder = await rows<{ order_id: string; entries: number }>(deployment.admin, `select order_id, count(*)::int as entries from customer.loyalty_entries where kind = 'EARN' and order_id in (${inList(orderIds)}) group by order_id`);
    expect(earnedPerOrder.map((row) => row.entries)).toEqual(orderIds.map(() => 1));
    const [placedEntries] = await rows<{ count: number }>(deployment.admin, `select count(*)::int as count from customer.timeline_entries where kind = 'ORDER_PLACED' and occurred_at >= '${started.toISOString()}'`);
    expect(placedEntries!.count).toBe(orderIds.length);

    // Both gateway instances heard every cart change, whichever cart instance made it.
    await until('live feed reached both gateways', async () => deployment.heard.every((events) => cartChanges.every((change) => events.some((event) => event.id === change.id))));
    for (const events of deployment.heard) {
      expect(events.filter((event) => event.type === 'cart.changed' && cartIds.includes(event.aggregateId)).length).toBeGreaterThanOrEqual(cartChanges.length);
    }
    await Promise.all(liveClients.map((client) => client.close()));
  });
});
