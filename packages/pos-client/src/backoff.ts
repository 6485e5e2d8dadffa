export interface BackoffOptions {
  /** Delay ceiling of the first retry. */
  baseMs: number;
  /** No delay is longer, however many attempts failed. */
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 250, maxMs: 30_000 };

/**
 * Exponential backoff with full jitter: a random delay between 0 and `base × 2^attempt` (capped),
 * so tills that lost the network together do not all come back in the same instant.
 * `random` returns [0, 1) like Math.random.
 */
export function backoffDelay(attempt: number, options: BackoffOptions = DEFAULT_BACKOFF, random: () => number = Math.random): number {
  const ceiling = Math.min(options.maxMs, options.baseMs * 2 ** Math.min(attempt, 30));
  return Math.floor(random() * ceiling);
}
