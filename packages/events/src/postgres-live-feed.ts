import postgres from 'postgres';
import { createInProcessLiveFeed, type LiveFeed } from './live-feed';
import { decodeLiveEvent, encodeLiveEvent } from './live-feed-wire';

/** Postgres refuses NOTIFY payloads of 8,000 bytes or more; some room is left for the envelope. */
const MAX_NOTIFY_BYTES = 7_900;

/** A channel name is an identifier: lower case, no dots, at most 63 bytes. */
export const liveChannelOf = (namespace: string) => `${namespace.toLowerCase().replace(/[^a-z0-9_]/g, '_')}_live`.slice(0, 63);

/**
 * A live feed for separate processes without NATS: the relay's announcement is a `pg_notify` on
 * one channel, and each listening process (a gateway instance) holds a LISTEN connection to the
 * same server. A payload too big for NOTIFY is left out and flagged (`isPayloadOmitted`).
 */
export async function createPostgresLiveFeed(url: string, namespace: string): Promise<LiveFeed> {
  const channel = liveChannelOf(namespace);
  // Two connections at most: one held by LISTEN (postgres.js keeps it and listens again after a reconnect), one for NOTIFYs.
  const sql = postgres(url, { max: 2, onnotice: () => {} });
  const local = createInProcessLiveFeed();
  // Listening before this resolves, so no announcement sent after start-up is missed here.
  const listening = await sql.listen(channel, (text) => {
    try {
      void local.announce([decodeLiveEvent(text)]);
    } catch {
      /* not one of ours: nothing to tell the listeners */
    }
  });
  return {
    async announce(events) {
      for (const event of events) await sql.notify(channel, encodeLiveEvent(event, MAX_NOTIFY_BYTES));
    },
    listen: (listener) => local.listen(listener),
    async close() {
      await local.close();
      await listening.unlisten().catch(() => {});
      await sql.end({ timeout: 5 });
    },
  };
}
