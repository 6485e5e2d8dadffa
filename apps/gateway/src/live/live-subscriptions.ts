import type { FormattedExecutionResult } from 'graphql';
import type { LiveFeed } from '@omni/events';
import { describeErrorChain, logger } from '@omni/graphql';
import type { GatewayContext } from '../gateway-context';
import type { LiveQuery } from './live-operations';
import { topicsOfEvent } from './live-topics';
import { PushQueue } from './push-queue';

/** Runs a query through the gateway, with every check a client's query gets, for the given caller. */
export type RunQuery = (query: string, variables: Record<string, unknown>, context: GatewayContext) => Promise<FormattedExecutionResult>;

export interface LiveSubscriptionsOptions {
  feed: LiveFeed;
  run: RunQuery;
  /**
   * Queries re-run at once across all subscriptions; an event that touches many subscriptions
   * (a popular product's stock) queues the rest instead of flooding the subgraphs. 16 by default.
   */
  maxConcurrentRuns?: number;
}

export interface LiveSubscriptions {
  /** The results of one subscription: the current state now, then after each relevant event. */
  follow(live: LiveQuery, context: GatewayContext): AsyncIterableIterator<FormattedExecutionResult>;
  /** Subscriptions open right now. */
  size(): number;
  /** Ends every subscription (the gateway stops) and stops listening to the feed. */
  close(): void;
}

/** Admits at most `limit` tasks at a time, the others in arrival order. */
function concurrencyLimit(limit: number) {
  let active = 0;
  const queue: (() => void)[] = [];
  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (active >= limit) await new Promise<void>((resolve) => queue.push(resolve));
    active += 1;
    try {
      return await task();
    } finally {
      active -= 1;
      queue.shift()?.();
    }
  };
}

const FAILED: FormattedExecutionResult = { data: null, errors: [{ message: 'The live update failed; subscribe again', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] };

export function createLiveSubscriptions(options: LiveSubscriptionsOptions): LiveSubscriptions {
  const followersByTopic = new Map<string, Set<() => void>>();
  const open = new Set<PushQueue<FormattedExecutionResult>>();
  const limited = concurrencyLimit(options.maxConcurrentRuns ?? 16);
  const stopListening = options.feed.listen((event) => {
    for (const topic of topicsOfEvent(event)) for (const changed of followersByTopic.get(topic) ?? []) changed();
  });

  function follow(live: LiveQuery, context: GatewayContext): AsyncIterableIterator<FormattedExecutionResult> {
    const unfollow = () => {
      for (const topic of live.topics) {
        const followers = followersByTopic.get(topic);
        followers?.delete(refresh);
        if (followers?.size === 0) followersByTopic.delete(topic);
      }
      open.delete(queue);
    };
    const queue = new PushQueue<FormattedExecutionResult>(unfollow);
    let lastSent: string | null = null;
    let running = false;
    let changedWhileRunning = false;

    // Events while a run is in flight coalesce into one more run after it: the state is re-read, not replayed.
    async function refresh(): Promise<void> {
      if (queue.ended) return;
      if (running) {
        changedWhileRunning = true;
        return;
      }
      running = true;
      try {
        do {
          changedWhileRunning = false;
          const result = await limited(() => (queue.ended ? Promise.resolve(null) : options.run(live.query, live.variables, context)));
          if (!result || queue.ended) return;
          const shaped = live.shape(result);
          if (live.ended(result)) {
            queue.push(shaped);
            queue.end();
            return;
          }
          const text = JSON.stringify(shaped);
          if (text !== lastSent) {
            lastSent = text;
            queue.push(shaped);
          }
        } while (changedWhileRunning && !queue.ended);
      } catch (error) {
        logger.error({ service: 'gateway' }, `live update failed: ${describeErrorChain(error)}`);
        queue.push(FAILED);
        queue.end();
      } finally {
        running = false;
      }
    }

    // Following before the first run, so a change committed during it is not missed.
    for (const topic of live.topics) {
      const followers = followersByTopic.get(topic) ?? new Set();
      followers.add(refresh);
      followersByTopic.set(topic, followers);
    }
    open.add(queue);
    void refresh();
    return queue;
  }

  return {
    follow,
    size: () => open.size,
    close() {
      stopListening();
      for (const queue of [...open]) queue.end();
    },
  };
}
