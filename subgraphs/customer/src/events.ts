import { createHttpDelivery, createOutboxRelay, fanOut, type EventBus, type EventConsumer, type JetStreamBus, type OutboxRelay } from '@omni/events';
import { createServiceClient } from '@omni/graphql';
import { createDatabase, type DatabaseClient } from '@omni/db';
import { outboxEvents } from './db/schema';
import { createConsoleReminderSender, type ReminderSender } from './clients/reminder-sender';
import type { CustomerDb } from './db/database';
import { DEFAULT_POINTS_PER_CURRENCY_UNIT } from './services/loyalty-earn-rules';
import { applyCustomerEvents, changesCustomerData } from './services/timeline-service';

/**
 * Delivers the customer outbox: `customer.merged` and `customer.signed_in` to the cart (carts and
 * orders follow the survivor, a signed-in guest's cart is adopted), `customer.merged` to support
 * (conversations follow the survivor), and `customer.first_order`, `customer.engaged_with_product`
 * and `customer.merged` to promotions (first-order coupons, personal offers, offers following the
 * survivor). At least once; each consumer applies each event once, and a batch counts as delivered
 * only when all three accepted it.
 */
export function createCustomerEventRelay(options: {
  /** The subgraph's database client; the relay keeps its own statement count, apart from request costs. */
  client: DatabaseClient;
  signingSecret: string;
  /** The cart subgraph; a function when its port is picked later. */
  cartUrl: string | (() => string);
  /** The support subgraph; a function when its port is picked later. */
  supportUrl: string | (() => string);
  /** The promotions subgraph; a function when its port is picked later. */
  promotionsUrl: string | (() => string);
  pollIntervalMs?: number;
  /** With JetStream the batch goes to the stream instead of the three consumers; its live feed hears of every batch. */
  eventBus?: EventBus;
}): OutboxRelay {
  const client = (url: string | (() => string)) => createServiceClient({ service: 'customer', url, signingSecret: options.signingSecret });
  return createOutboxRelay({
    db: createDatabase(options.client, { outboxEvents }).db,
    outbox: outboxEvents,
    producer: 'customer',
    pollIntervalMs: options.pollIntervalMs,
    deliver: options.eventBus?.jetstream
      ? options.eventBus.jetstream.publisher('customer')
      : fanOut(
          createHttpDelivery({ client: client(options.cartUrl), field: 'receiveCartEvents', types: ['customer.merged', 'customer.signed_in'] }),
          createHttpDelivery({ client: client(options.supportUrl), field: 'receiveSupportEvents', types: ['customer.merged'] }),
          createHttpDelivery({ client: client(options.promotionsUrl), field: 'receivePromotionEvents', types: ['customer.first_order', 'customer.engaged_with_product', 'customer.merged'] }),
        ),
    announce: options.eventBus ? (events) => options.eventBus!.liveFeed.announce(events) : undefined,
  });
}

/** What the customer subgraph applies from the bus: the same events `receiveCustomerEvents` takes over HTTP. */
export const CUSTOMER_CONSUMED_EVENTS = {
  cart: ['cart.changed', 'cart.abandoned', 'order.placed', 'order.returned'],
  support: ['message.sent'],
} as const;

/**
 * Applies the cart's and support's events from JetStream through the same service as the
 * `receiveCustomerEvents` mutation; every customer instance shares the durable consumers.
 */
export function startCustomerEventConsumer(
  bus: JetStreamBus,
  options: {
    db: CustomerDb;
    /** As `createCustomerSubgraph` takes it: printed when left out, none planned when null. */
    reminderSender?: ReminderSender | null;
    loyaltyPointsPerCurrencyUnit?: number;
  },
): Promise<EventConsumer> {
  const deps = {
    db: options.db,
    reminderSender: options.reminderSender === undefined ? createConsoleReminderSender() : options.reminderSender,
    loyaltyPointsPerCurrencyUnit: options.loyaltyPointsPerCurrencyUnit ?? DEFAULT_POINTS_PER_CURRENCY_UNIT,
  };
  return bus.consume({
    consumer: 'customer',
    events: CUSTOMER_CONSUMED_EVENTS,
    handle: async (event) => {
      if (changesCustomerData(event)) await applyCustomerEvents(deps, [event]);
    },
  });
}
