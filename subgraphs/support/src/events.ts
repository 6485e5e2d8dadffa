import { createHttpDelivery, createOutboxRelay, fanOut, type DeliverEvents, type OutboxRelay } from '@omni/events';
import { createServiceClient } from '@omni/graphql';
import { createDatabase, type DatabaseClient } from '@omni/db';
import { outboxEvents } from './db/schema';

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
}): OutboxRelay {
  const customer = createServiceClient({ service: 'support', url: options.customerUrl, signingSecret: options.signingSecret });
  return createOutboxRelay({
    db: createDatabase(options.client, { outboxEvents }).db,
    outbox: outboxEvents,
    producer: 'support',
    pollIntervalMs: options.pollIntervalMs,
    deliver: fanOut(createHttpDelivery({ client: customer, field: 'receiveCustomerEvents', types: ['message.sent'] }), ...(options.consumers ?? [])),
  });
}
