import { createClient as createSseClient } from 'graphql-sse';
import { createClient as createWsClient, type Client as WsClient } from 'graphql-ws';
import WebSocket from 'ws';

/** One message of a subscription as a client sees it, with when it arrived. */
export interface LiveMessage {
  data?: Record<string, any> | null;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
  at: number;
}

/**
 * A running subscription seen from the client: every message kept in order, a way to wait for
 * one that matches, and whether (and how) it ended.
 */
export interface LiveSubscription {
  messages: LiveMessage[];
  /** Resolves with the first message (already received or still to come) matching `test`. */
  next(test: (message: LiveMessage) => boolean, timeoutMs?: number): Promise<LiveMessage>;
  /** Resolves once the server completed or failed the subscription. */
  ended: Promise<{ error?: unknown }>;
  stop(): void;
}

export type Transport = 'ws' | 'sse';

export interface LiveClient {
  subscribe(query: string, variables?: Record<string, unknown>): LiveSubscription;
  close(): Promise<void>;
}

function collector(start: (sink: { next(value: unknown): void; error(error: unknown): void; complete(): void }) => () => void): LiveSubscription {
  const messages: LiveMessage[] = [];
  const waiters: { test: (message: LiveMessage) => boolean; resolve: (message: LiveMessage) => void }[] = [];
  let finish!: (outcome: { error?: unknown }) => void;
  const ended = new Promise<{ error?: unknown }>((resolve) => (finish = resolve));
  const stop = start({
    next(value) {
      const message = { ...(value as object), at: performance.now() } as LiveMessage;
      messages.push(message);
      for (const waiter of [...waiters]) {
        if (waiter.test(message)) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve(message);
        }
      }
    },
    error: (error) => finish({ error }),
    complete: () => finish({}),
  });
  return {
    messages,
    ended,
    stop,
    next(test, timeoutMs = 10_000) {
      const found = messages.find(test);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`No matching live message within ${timeoutMs} ms; got ${JSON.stringify(messages).slice(0, 2000)}`)), timeoutMs);
        waiters.push({ test, resolve: (message) => (clearTimeout(timer), resolve(message)) });
      });
    },
  };
}

/** graphql-ws over a real WebSocket, the token in `connectionParams` as a browser would send it. */
export function webSocketClient(gatewayUrl: string, token?: string): LiveClient {
  const client: WsClient = createWsClient({
    url: gatewayUrl.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    connectionParams: token ? { authorization: `Bearer ${token}` } : {},
    retryAttempts: 0,
    lazy: true,
  });
  return {
    subscribe: (query, variables) => collector((sink) => client.subscribe({ query, variables }, sink as never)),
    close: () => client.dispose() as Promise<void>,
  };
}

/** GraphQL over SSE (distinct connections), the token in the Authorization header. */
export function sseClient(gatewayUrl: string, token?: string): LiveClient {
  const client = createSseClient({
    url: new URL('graphql/stream', gatewayUrl).toString(),
    headers: token ? { authorization: `Bearer ${token}` } : {},
    retryAttempts: 0,
  });
  return {
    subscribe: (query, variables) => collector((sink) => client.subscribe({ query, variables }, sink as never)),
    close: async () => client.dispose(),
  };
}

export const liveClient = (transport: Transport, gatewayUrl: string, token?: string): LiveClient =>
  transport === 'ws' ? webSocketClient(gatewayUrl, token) : sseClient(gatewayUrl, token);

/** The value at the given fraction (0.95 for p95) of the sorted samples. */
export function percentile(samples: readonly number[], fraction: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)] ?? NaN;
}
