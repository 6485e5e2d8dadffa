import { EventEmitter } from 'node:events';
import type { DomainEvent } from './domain-event';

/**
 * Committed domain events announced to every live listener — each gateway instance that serves
 * subscriptions or keeps a cache. Unlike delivery to consumers this is best effort and at most
 * once: a listener that was away misses events and re-reads the current state instead of
 * replaying them, so nothing here needs durability.
 */
export interface LiveFeed {
  /** Tells every listener, in this process and (for shared feeds) in every other instance. */
  announce(events: readonly DomainEvent[]): Promise<void>;
  /** Calls the listener for each announced event until the returned function is called. */
  listen(listener: (event: DomainEvent) => void): () => void;
  close(): Promise<void>;
}

/** The embedded default when every service shares one process (`npm start`, e2e tests). */
export function createInProcessLiveFeed(): LiveFeed {
  const emitter = new EventEmitter();
  // Every open subscription listens; the default cap of 10 would only print warnings.
  emitter.setMaxListeners(0);
  return {
    async announce(events) {
      for (const event of events) emitter.emit('event', event);
    },
    listen(listener) {
      // One listener that throws must not keep the event from the others.
      const guarded = (event: DomainEvent) => {
        try {
          listener(event);
        } catch {
          /* the listener's own failure; it reports it itself */
        }
      };
      emitter.on('event', guarded);
      return () => emitter.off('event', guarded);
    },
    async close() {
      emitter.removeAllListeners();
    },
  };
}
