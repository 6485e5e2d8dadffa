import { createHttpDelivery, createOutboxRelay, fanOut, type OutboxRelay } from '@omni/events';
import { createServiceClient } from '@omni/graphql';
import { createDatabase, type DatabaseClient } from '@omni/db';
import { outboxEvents } from './db/schema';

/**
 * Delivers the customer outbox: `customer.merged` and `customer.signed_in` to the cart (carts and
 * orders follow the survivor, a signed-in guest's cart is adopted) and `customer.merged` to support
 * (conversations follow the survivor). At least once; each consumer applies each event once, and a
 * batch counts as delivered only when both accepted it.
 */
export function createCustomerEventRelay(options: {
  /** The subgraph's database client; the relay keeps its own statement count, apart from request costs. */
  client: DatabaseClient;
  signingSecret: string;
  /** The cart subgraph; a function when its port is picked later. */
  cartUrl: string | (() => string);
  /** The support subgraph; a function when its port is picked later. */
  supportUrl: string | (() => string);
  pollIntervalMs?: number;
}): OutboxRelay {
  const client = (url: string | (() => string)) => createServiceClient({ service: 'customer', url, signingSecret: options.signingSecret });
  return createOutboxRelay({
    db: createDatabase(options.client, { outboxEvents }).db,
    outbox: outboxEvents,
    producer: 'customer',
    pollIntervalMs: options.pollIntervalMs,
    deliver: fanOut(
      createHttpDelivery({ client: client(options.cartUrl), field: 'receiveCartEvents', types: ['customer.merged', 'customer.signed_in'] }),
      createHttpDelivery({ client: client(options.supportUrl), field: 'receiveSupportEvents', types: ['customer.merged'] }),
    ),
  });
}
