import { createHttpDelivery, createOutboxRelay, fanOut, type OutboxRelay } from '@omni/events';
import { createServiceClient } from '@omni/graphql';
import { createDatabase, type DatabaseClient } from '@omni/db';
import { outboxEvents } from './db/schema';

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
      createHttpDelivery({ client: client(options.promotionsUrl), field: 'receivePromotionEvents', types: ['customer.first_order', 'customer.engaged_with_product', 'customer.merged'] }),
    ),
  });
}
