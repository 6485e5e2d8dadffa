import { createClient, type Client } from 'graphql-ws';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffOptions } from './backoff';
import { CART_UPDATED, type CartPayload } from './documents';
import type { PosCart } from './pos-cart';

export interface LiveCartOptions {
  /** The gateway's WebSocket address, e.g. `wss://api.example.com/graphql`. */
  url: string;
  /** The till's access token, asked at every (re)connection so a refreshed one is used. */
  token: string | (() => string | Promise<string>);
  /** A WebSocket class where there is no global one (Node 20: the `ws` package). */
  webSocketImpl?: unknown;
  /** Waits between reconnection attempts; the same jittered backoff as uploads by default. */
  backoff?: BackoffOptions;
  /**
   * Told when the server ends the subscription (the till may not see this cart: FORBIDDEN,
   * NOT_FOUND) or the connection fails; reconnection after a network failure is automatic.
   */
  onError?: (error: unknown) => void;
}

export interface LiveCart {
  /** Resolves with the first cart the server pushed (the current state), for a till that waits for it. */
  ready: Promise<void>;
  stop(): Promise<void>;
}

interface CartUpdated {
  cartUpdated: CartPayload;
}

/**
 * Keeps a till's cart in step with the other devices: subscribes to `cartUpdated` over the
 * gateway's WebSocket and hands every pushed cart to `applyCanonicalCart`, so changes made
 * elsewhere (the web shop, another till) show at once, under the till's own queued changes. After
 * a lost connection it reconnects with backoff and subscribes again; the first push after that is
 * the current cart, so nothing missed in between stays missing.
 */
export function followCartLive(cart: PosCart, options: LiveCartOptions): LiveCart {
  const client: Client = createClient({
    url: options.url,
    ...(options.webSocketImpl ? { webSocketImpl: options.webSocketImpl } : {}),
    connectionParams: async () => ({ authorization: `Bearer ${typeof options.token === 'function' ? await options.token() : options.token}` }),
    retryAttempts: Number.MAX_SAFE_INTEGER,
    shouldRetry: () => true,
    retryWait: (retries) => new Promise((resolve) => setTimeout(resolve, backoffDelay(retries, options.backoff ?? DEFAULT_BACKOFF))),
  });
  let markReady!: () => void;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  const unsubscribe = client.subscribe<CartUpdated>(
    { query: CART_UPDATED, variables: { cartId: cart.cartId } },
    {
      next(result) {
        if (result.data?.cartUpdated) {
          void cart.applyCanonicalCart(result.data.cartUpdated).then(markReady, options.onError);
        } else if (result.errors?.length) {
          options.onError?.(result.errors);
        }
      },
      error: (error) => options.onError?.(error),
      complete: () => {},
    },
  );
  return {
    ready,
    async stop() {
      unsubscribe();
      await client.dispose();
    },
  };
}
