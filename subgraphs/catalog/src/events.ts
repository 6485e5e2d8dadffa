import { createDatabase, type DatabaseClient } from '@omni/db';
import { createOutboxRelay, type LiveFeed, type OutboxRelay } from '@omni/events';
import { outboxEvents } from './db/schema';

/**
 * Delivers the catalog's outbox (`stock.changed`, `product.changed`, see services/catalog-events)
 * to live listeners: subscriptions and caches. No subgraph consumes them, so a batch counts as
 * delivered once announced; without a feed the relay only keeps the outbox from growing.
 */
export function createCatalogEventRelay(options: {
  /** The subgraph's database client; the relay keeps its own statement count, apart from request costs. */
  client: DatabaseClient;
  liveFeed?: LiveFeed;
  pollIntervalMs?: number;
}): OutboxRelay {
  const { liveFeed } = options;
  return createOutboxRelay({
    db: createDatabase(options.client, { outboxEvents }).db,
    outbox: outboxEvents,
    producer: 'catalog',
    pollIntervalMs: options.pollIntervalMs,
    deliver: async () => {},
    announce: liveFeed ? (events) => liveFeed.announce(events) : undefined,
  });
}
