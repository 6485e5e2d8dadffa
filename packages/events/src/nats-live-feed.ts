import { StringCodec, type NatsConnection } from 'nats';
import { createInProcessLiveFeed, type LiveFeed } from './live-feed';
import { decodeLiveEvent, encodeLiveEvent } from './live-feed-wire';

const codec = StringCodec();
const token = (value: string) => value.replace(/[^A-Za-z0-9_-]/g, '_');

/**
 * A live feed on core NATS: every instance subscribes to `<namespace>.live.>` without a queue
 * group, so each one hears every announced event (its own included, which NATS echoes back).
 * Best effort like every live feed: an instance that was disconnected misses what passed meanwhile.
 */
export function createNatsLiveFeed(connection: NatsConnection, namespace: string, options: { ownsConnection?: boolean } = {}): LiveFeed {
  const local = createInProcessLiveFeed();
  const subscription = connection.subscribe(`${namespace}.live.>`, {
    callback: (error, message) => {
      if (error) return;
      try {
        void local.announce([decodeLiveEvent(codec.decode(message.data))]);
      } catch {
        /* not one of ours: nothing to tell the listeners */
      }
    },
  });
  return {
    async announce(events) {
      for (const event of events) {
        connection.publish([namespace, 'live', token(event.producer), ...event.type.split('.').map(token)].join('.'), codec.encode(encodeLiveEvent(event)));
      }
    },
    listen: (listener) => local.listen(listener),
    async close() {
      subscription.unsubscribe();
      await local.close();
      if (options.ownsConnection) await connection.drain();
    },
  };
}
