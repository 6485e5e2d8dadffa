import { createHttpDelivery, createOutboxRelay, type OutboxRelay } from '@omni/events';
import { createServiceClient } from '@omni/graphql';
import { createDatabase, type DatabaseClient } from '@omni/db';
import { outboxEvents } from './db/schema';

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
}): OutboxRelay {
  const customer = createServiceClient({ service: 'cart', url: options.customerUrl, signingSecret: options.signingSecret });
  return createOutboxRelay({
    db: createDatabase(options.client, { outboxEvents }).db,
    outbox: outboxEvents,
    producer: 'cart',
    pollIntervalMs: options.pollIntervalMs,
    deliver: createHttpDelivery({ client: customer, field: 'receiveCustomerEvents', types: ['cart.changed', 'cart.abandoned', 'order.placed', 'order.returned'] }),
  });
}
