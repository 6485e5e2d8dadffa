import { backoffDelay, DEFAULT_BACKOFF, type BackoffOptions } from './backoff';
import { RetryableError } from './transport';

export interface RetryOptions {
  /** Attempts per upload before `flush()` gives up for now (the queue is kept). Default 6. */
  maxAttempts?: number;
  backoff?: BackoffOptions;
  /** [0, 1) like Math.random; injectable so tests and simulations are reproducible. */
  random?: () => number;
  /** Waits between attempts; injectable so tests need not wait. */
  sleep?: (ms: number) => Promise<void>;
}

export const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs `send` until it answers, waiting a jittered, growing delay after each `RetryableError`.
 * Only for idempotent uploads: a retried request may have been applied already.
 */
export async function withRetry<T>(send: () => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const maxAttempts = options.maxAttempts ?? 6;
  for (let attempt = 0; ; attempt++) {
    try {
      return await send();
    } catch (error) {
      if (!(error instanceof RetryableError) || attempt + 1 >= maxAttempts) throw error;
      const delay = Math.max(error.retryAfterMs ?? 0, backoffDelay(attempt, options.backoff ?? DEFAULT_BACKOFF, options.random));
      await (options.sleep ?? defaultSleep)(delay);
    }
  }
}
