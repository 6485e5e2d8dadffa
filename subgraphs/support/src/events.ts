import { createHttpDelivery, createOutboxRelay, fanOut, type DeliverEvents, type EventBus, type EventConsumer, type JetStreamBus, type OutboxRelay } from '@omni/events';
import { createServiceClient } from '@omni/graphql';
import { createDatabase, type DatabaseClient } from '@omni/db';
import type { SupportDb } from './db/database';
import { outboxEvents } from './db/schema';
import { applySupportEvents } from './services/customer-event-service';

/**
 * Delivers the support outbox: `message.sent` to the customer subgraph's timeline, and every
 * event to `consumers` (the bot takes `message.received`). At least once; each consumer applies
 * an event once.
 */
export function createSupportEventRelay(options: {
  /** The subgraph's database client; the relay keeps its own statement count, apart from request costs. */
  client: DatabaseClient;
  signingSecret: string;
  /** The customer subgraph; a function when its port is picked later. */
  customerUrl: string | (() => string);
  pollIntervalMs?: number;
  /** Further consumers, e.g. the bot; a batch counts as delivered when all of them took it. */
  consumers?: DeliverEvents[];
  /** With JetStream the batch goes to the stream instead of the customer subgraph; its live feed hears of every batch. */
  eventBus?: EventBus;
}): OutboxRelay {
  const customer = createServiceClient({ service: 'support', url: options.customerUrl, signingSecret: options.signingSecret });
  return createOutboxRelay({
    db: createDatabase(options.client, { outboxEvents }).db,
    outbox: outboxEvents,
    producer: 'support',
    pollIntervalMs: options.pollIntervalMs,
    deliver: fanOut(
      options.eventBus?.jetstream ? options.eventBus.jetstream.publisher('support') : createHttpDelivery({ client: customer, field: 'receiveCustomerEvents', types: ['message.sent'] }),
      ...(options.consumers ?? []),
    ),
    announce: options.eventBus ? (events) => options.eventBus!.liveFeed.announce(events) : undefined,
  });
}

/** What support applies from the bus: the same events `receiveSupportEvents` takes over HTTP. */
export const SUPPORT_CONSUMED_EVENTS = { customer: ['customer.merged'] } as const;

/** Applies the customer subgraph's events from JetStream through the same service as `receiveSupportEvents`. */
export function startSupportEventConsumer(bus: JetStreamBus, deps: { db: SupportDb }): Promise<EventConsumer> {
  return bus.consume({
    consumer: 'support',
    events: SUPPORT_CONSUMED_EVENTS,
    handle: async (event) => {
      await applySupportEvents(deps, [event]);
    },
  });
}
