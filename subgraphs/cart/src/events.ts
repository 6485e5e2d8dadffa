import { createHttpDelivery, createOutboxRelay, type EventBus, type EventConsumer, type JetStreamBus, type OutboxRelay } from '@omni/events';
import { createServiceClient } from '@omni/graphql';
import { createDatabase, type DatabaseClient } from '@omni/db';
import { createCatalogClient } from './clients/catalog-client';
import type { CartDb } from './db/database';
import { outboxEvents } from './db/schema';
import { applyCartEvents } from './services/customer-event-service';

/**
 * Delivers the cart's outbox: `cart.changed`, `cart.abandoned` and `order.placed` to the customer subgraph's timeline, and
 * `order.returned` (it credits back the points the return gives back and reverses points earned). At least once;
 * the customer subgraph applies each event once.
 */
export function createCartEventRelay(options: {
  /** The subgraph's database client; the relay keeps its own statement count, apart from request costs. */
  client: DatabaseClient;
  signingSecret: string;
  /** The customer subgraph; a function when its port is picked later. */
  customerUrl: string | (() => string);
  pollIntervalMs?: number;
  /** With JetStream the batch goes to the stream instead of the customer subgraph; its live feed hears of every batch. */
  eventBus?: EventBus;
}): OutboxRelay {
  const customer = createServiceClient({ service: 'cart', url: options.customerUrl, signingSecret: options.signingSecret });
  return createOutboxRelay({
    db: createDatabase(options.client, { outboxEvents }).db,
    outbox: outboxEvents,
    producer: 'cart',
    pollIntervalMs: options.pollIntervalMs,
    deliver: options.eventBus?.jetstream
      ? options.eventBus.jetstream.publisher('cart')
      : createHttpDelivery({ client: customer, field: 'receiveCustomerEvents', types: ['cart.changed', 'cart.abandoned', 'order.placed', 'order.returned'] }),
    announce: options.eventBus ? (events) => options.eventBus!.liveFeed.announce(events) : undefined,
  });
}

/** What the cart applies from the bus: the same events `receiveCartEvents` takes over HTTP. */
export const CART_CONSUMED_EVENTS = { customer: ['customer.merged', 'customer.signed_in'] } as const;

/**
 * Applies the customer subgraph's events from JetStream through the same service as the
 * `receiveCartEvents` mutation; every cart instance shares the durable consumers.
 */
export function startCartEventConsumer(bus: JetStreamBus, options: { db: CartDb; signingSecret: string; catalogUrl: string | (() => string) }): Promise<EventConsumer> {
  const deps = { db: options.db, catalog: createCatalogClient({ url: options.catalogUrl, signingSecret: options.signingSecret }) };
  return bus.consume({
    consumer: 'cart',
    events: CART_CONSUMED_EVENTS,
    handle: async (event) => {
      await applyCartEvents(deps, [event]);
    },
  });
}
