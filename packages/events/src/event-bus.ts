import { connect } from 'nats';
import { createJetStreamBus, type JetStreamBus } from './jetstream-bus';
import { createInProcessLiveFeed, type LiveFeed } from './live-feed';
import { createNatsLiveFeed } from './nats-live-feed';
import { createPostgresLiveFeed } from './postgres-live-feed';

export interface EventBusConfig {
  /**
   * EVENT_BUS_URL: `nats://…` for NATS JetStream (delivery) and core NATS (live feed),
   * `postgres://…` for the outbox relays' direct delivery with a LISTEN/NOTIFY live feed, unset
   * for the embedded default (direct delivery, live feed inside this one process).
   */
  url?: string;
  /** Prefix of the stream, subjects and channel (`omni` → stream OMNI_EVENTS, subjects `omni.events.…`). */
  namespace?: string;
  /** Names this process to the NATS server, e.g. `cart`. */
  name?: string;
}

/** How domain events travel in this deployment, picked by the EVENT_BUS_URL scheme. */
export interface EventBus {
  kind: 'nats' | 'postgres' | 'in-process';
  /** Delivery to consumers through JetStream; null where the relays call consumers directly. */
  jetstream: JetStreamBus | null;
  /** Committed events for live listeners (subscriptions), across processes unless in-process. */
  liveFeed: LiveFeed;
  /** Closes the live feed and drains the NATS connection (acknowledgements in flight are sent). */
  close(): Promise<void>;
}

export const DEFAULT_EVENT_NAMESPACE = 'omni';

/** The schemes EVENT_BUS_URL accepts; env files validate against it. */
export const EVENT_BUS_URL_PATTERN = /^(nats|tls|postgres|postgresql):\/\/.+/;

export const isNatsUrl = (url: string) => /^(nats|tls):\/\//.test(url);

export async function createEventBus(config: EventBusConfig = {}): Promise<EventBus> {
  const namespace = config.namespace ?? DEFAULT_EVENT_NAMESPACE;
  if (!config.url) {
    const liveFeed = createInProcessLiveFeed();
    return { kind: 'in-process', jetstream: null, liveFeed, close: () => liveFeed.close() };
  }
  if (isNatsUrl(config.url)) {
    // Keeps reconnecting for as long as the process runs: a NATS restart must not end a service.
    const connection = await connect({ servers: config.url, name: config.name, maxReconnectAttempts: -1 });
    try {
      const jetstream = await createJetStreamBus(connection, namespace);
      const liveFeed = createNatsLiveFeed(connection, namespace);
      return {
        kind: 'nats',
        jetstream,
        liveFeed,
        async close() {
          await liveFeed.close();
          if (!connection.isClosed()) await connection.drain();
        },
      };
    } catch (error) {
      await connection.close();
      throw error;
    }
  }
  const liveFeed = await createPostgresLiveFeed(config.url, namespace);
  return { kind: 'postgres', jetstream: null, liveFeed, close: () => liveFeed.close() };
}

/** Just the live feed, for a process that only listens (the gateway running alone). */
export async function createLiveFeed(config: EventBusConfig = {}): Promise<LiveFeed> {
  const namespace = config.namespace ?? DEFAULT_EVENT_NAMESPACE;
  if (!config.url) return createInProcessLiveFeed();
  if (isNatsUrl(config.url)) {
    const connection = await connect({ servers: config.url, name: config.name, maxReconnectAttempts: -1 });
    return createNatsLiveFeed(connection, namespace, { ownsConnection: true });
  }
  return createPostgresLiveFeed(config.url, namespace);
}
