import { readFileSync } from 'node:fs';
import { sharedView, type DatabaseClient } from '@omni/db';
import { createGateway, SUPERGRAPH_FILE, type RateLimitOptions, type ResponseCacheSettings, type SubgraphName } from '@omni/gateway';
import { createEventBus, type EventBus, type EventConsumer, type OutboxRelay } from '@omni/events';
import type { RunningServer } from '@omni/graphql';
import { startEventConsumers } from './event-consumers';
import { createCartEventRelay, createCartSubgraph, openCartDatabase, seedCartDemoData, startAbandonedCartSweeper } from '@omni/subgraph-cart';
import { createCatalogEventRelay, createCatalogSubgraph, openCatalogDatabase, seedCatalogDemoData, startReservationSweeper } from '@omni/subgraph-catalog';
import { createConsoleCodeSender, createCustomerEventRelay, createCustomerSubgraph, openCustomerDatabase, seedCustomerDemoData, type CodeSender, type ReminderSender } from '@omni/subgraph-customer';
import { createPromotionsSubgraph, openPromotionsDatabase, seedPromotionsDemoData } from '@omni/subgraph-promotions';
import { createOutboundWorker, createProviderAdapters, createSupportEventRelay, createSupportSubgraph, openSupportDatabase, seedSupportDemoData, type ProviderAdapter } from '@omni/subgraph-support';

export interface SupergraphOptions {
  /** One client shared by every subgraph (each keeps to its own schema), or one per subgraph. */
  databases: DatabaseClient | Record<SubgraphName, DatabaseClient>;
  signingSecret: string;
  tokenSecret: string;
  /** Port per service; 0 picks a free one, which is what tests do. */
  ports?: Partial<Record<SubgraphName | 'gateway', number>>;
  host?: string;
  seedDemoData?: boolean;
  logSql?: boolean;
  /** How often the outbox relays look for new domain events; tests poll faster. */
  eventPollIntervalMs?: number;
  /** Delivers abandoned-cart reminders; printed to the console by default, none planned when null. */
  reminderSender?: ReminderSender | null;
  /**
   * Delivers sign-in codes; printed to the console by default, which only suits development:
   * `npm start` passes the one its environment configures (a webhook in production).
   */
  codeSender?: CodeSender;
  /** Sends support replies to messengers, per provider; the log adapter (nothing leaves) by default. */
  outboundAdapters?: Partial<Record<string, ProviderAdapter>>;
  /** Points a placed order earns per whole currency unit paid in money; 5 by default. */
  loyaltyPointsPerCurrencyUnit?: number;
  /** The gateway's rate limits: its default budgets in this process when left out. */
  rateLimits?: RateLimitOptions | false;
  /** The gateway's cache of public catalog responses, kept fresh by the catalog's events: in this process by default, none when false. */
  responseCache?: ResponseCacheSettings | false;
  /**
   * How domain events travel: the relays announce every committed event on its live feed, which
   * feeds the gateway's subscriptions. One in-process feed for this process by default.
   */
  eventBus?: EventBus;
}

const DEFAULT_PORTS = { gateway: 4000, customer: 4001, catalog: 4002, cart: 4003, promotions: 4004, support: 4005 } as const;

/** Migrates every subgraph's schema and, when asked, loads the demo data. */
export async function openDatabases(options: Pick<SupergraphOptions, 'databases' | 'seedDemoData' | 'logSql'>) {
  const clientOf = (name: SubgraphName): DatabaseClient =>
    'kind' in options.databases ? sharedView(options.databases as DatabaseClient) : (options.databases as Record<SubgraphName, DatabaseClient>)[name];
  const logSql = { logSql: options.logSql ?? false };
  const databases = {
    customer: await openCustomerDatabase(clientOf('customer'), logSql),
    catalog: await openCatalogDatabase(clientOf('catalog'), logSql),
    cart: await openCartDatabase(clientOf('cart'), logSql),
    promotions: await openPromotionsDatabase(clientOf('promotions'), logSql),
    support: await openSupportDatabase(clientOf('support'), logSql),
  };
  if (options.seedDemoData) {
    await seedCustomerDemoData(databases.customer.db);
    await seedCatalogDemoData(databases.catalog.db);
    await seedCartDemoData(databases.cart.db);
    await seedPromotionsDemoData(databases.promotions.db);
    await seedSupportDemoData(databases.support.db);
  }
  return databases;
}

export type SupergraphDatabases = Awaited<ReturnType<typeof openDatabases>>;

export interface RunningSupergraph {
  gatewayUrl: string;
  subgraphUrls: Record<SubgraphName, string>;
  databases: SupergraphDatabases;
  /** SQL statements sent by all subgraphs so far; read before and after a request to count its cost. */
  totalStatements(): number;
  /** Resolves once every domain event written so far has been delivered (tests measure after it). */
  settleEvents(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The whole product in one process: five subgraphs and the gateway, each on its own HTTP port,
 * talking to each other over real HTTP exactly as separate containers would.
 */
export async function startSupergraph(options: SupergraphOptions): Promise<RunningSupergraph> {
  const host = options.host ?? '127.0.0.1';
  const ports = { ...DEFAULT_PORTS, ...options.ports };
  const databases = await openDatabases(options);
  const { signingSecret } = options;
  const eventBus = options.eventBus ?? (await createEventBus());
  const closeOwnEventBus = () => (options.eventBus ? Promise.resolve() : eventBus.close());
  const running: RunningServer[] = [];
  const relays: OutboxRelay[] = [];
  const consumers: EventConsumer[] = [];
  const stopConsumers = () => Promise.all(consumers.splice(0).map((consumer) => consumer.stop()));
  const sweepers: (() => void)[] = [];
  const stopSweepers = () => sweepers.splice(0).forEach((stop) => stop());
  const listen = async (server: { listen(port: number, host?: string): Promise<RunningServer> }, port: number) => {
    const started = await server.listen(port, host);
    running.push(started);
    return started.url;
  };

  try {
    // Customer asks cart and support during data export and erasure, and the catalog about
    // product ids; they listen after it.
    const siblingUrls = { cart: () => cart, support: () => support, catalog: () => catalog };
    const customer = await listen(createCustomerSubgraph({ database: databases.customer, signingSecret, siblingUrls, tokenSecret: options.tokenSecret, reminderSender: options.reminderSender, codeSender: options.codeSender ?? createConsoleCodeSender(), loyaltyPointsPerCurrencyUnit: options.loyaltyPointsPerCurrencyUnit }), ports.customer);
    const catalog = await listen(createCatalogSubgraph({ database: databases.catalog, signingSecret }), ports.catalog);
    // Checkout asks promotions for the final price; it listens after the cart.
    const cart = await listen(createCartSubgraph({ database: databases.cart, signingSecret, catalogUrl: catalog, customerUrl: customer, promotionsUrl: () => promotions }), ports.cart);
    const promotions = await listen(createPromotionsSubgraph({ database: databases.promotions, signingSecret, catalogUrl: catalog, customerUrl: customer }), ports.promotions);
    const support = await listen(createSupportSubgraph({ database: databases.support, signingSecret, customerUrl: customer, promotionsUrl: promotions }), ports.support);
    const subgraphUrls = { customer, catalog, cart, promotions, support };
    // Domain events from the cart and support outboxes feed the customer timeline.
    const relayOptions = { signingSecret, customerUrl: customer, pollIntervalMs: options.eventPollIntervalMs, eventBus };
    relays.push(createCartEventRelay({ client: databases.cart.client, ...relayOptions }), createSupportEventRelay({ client: databases.support.client, ...relayOptions }));
    // Customer merges and sign-ins move carts, orders and conversations to the surviving customer;
    // first orders and product interest reach promotions.
    relays.push(createCustomerEventRelay({ client: databases.customer.client, signingSecret, cartUrl: cart, supportUrl: support, promotionsUrl: promotions, pollIntervalMs: options.eventPollIntervalMs, eventBus }));
    // Stock and product changes only feed live listeners.
    relays.push(createCatalogEventRelay({ client: databases.catalog.client, liveFeed: eventBus.liveFeed, pollIntervalMs: options.eventPollIntervalMs }));
    for (const relay of relays) relay.start();
    // On JetStream the relays publish to the stream, and each subgraph reads its durable consumers.
    if (eventBus.jetstream) {
      consumers.push(...(await startEventConsumers(eventBus.jetstream, databases, { signingSecret, catalogUrl: catalog, reminderSender: options.reminderSender, loyaltyPointsPerCurrencyUnit: options.loyaltyPointsPerCurrencyUnit })));
    }
    // Agents' and the bot's replies go out to the customers' messengers.
    const outbound = createOutboundWorker({ client: databases.support.separatelyCounted().client, adapters: options.outboundAdapters ?? createProviderAdapters({}), pollIntervalMs: options.eventPollIntervalMs });
    outbound.start();
    sweepers.push(() => void outbound.stop());
    // Stock held by reservations nobody committed goes back on sale once they lapse.
    // Counted apart, so a sweep landing during a request is not taken for that request's cost.
    sweepers.push(startReservationSweeper(databases.catalog.separatelyCounted().db));
    // Idle carts of known customers are announced once, for staff lists and reminders.
    sweepers.push(startAbandonedCartSweeper(databases.cart.separatelyCounted().db));
    const gatewayUrl = await listen(
      createGateway({
        supergraphSdl: readFileSync(SUPERGRAPH_FILE, 'utf8'),
        subgraphUrls,
        tokenSecret: options.tokenSecret,
        signingSecret,
        rateLimits: options.rateLimits,
        liveFeed: eventBus.liveFeed,
        ...(options.responseCache === false ? {} : { responseCache: options.responseCache ?? {} }),
      }),
      ports.gateway,
    );
    return {
      gatewayUrl,
      subgraphUrls,
      databases,
      totalStatements: () => Object.values(databases).reduce((sum, database) => sum + database.statements.total, 0),
      async settleEvents(timeoutMs = 10_000) {
        const deadline = Date.now() + timeoutMs;
        for (;;) {
          const pending = (await Promise.all(relays.map((relay) => relay.pending()))).reduce((sum, count) => sum + count, 0);
          // On JetStream an event published is not yet applied: its consumers must have acknowledged it too.
          const consumed = pending === 0 && (eventBus.jetstream ? await eventBus.jetstream.idle() : true);
          if (consumed) return;
          if (Date.now() > deadline) throw new Error(`${pending} domain events still undelivered (or not yet consumed) after ${timeoutMs} ms`);
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      },
      async stop() {
        stopSweepers();
        for (const relay of relays) await relay.stop();
        await stopConsumers();
        // Gateway first, so no request reaches a subgraph that is already gone.
        for (const server of running.reverse()) await server.stop();
        await closeOwnEventBus();
      },
    };
  } catch (error) {
    stopSweepers();
    for (const relay of relays) await relay.stop();
    await stopConsumers();
    for (const server of running.reverse()) await server.stop();
    await closeOwnEventBus();
    throw error;
  }
}
