/** A response shared by callers with the same visibility. */
export interface CachedResponse {
  data: Record<string, unknown>;
  /** When it was fetched, for the `Age` header. */
  storedAtMs: number;
}

/**
 * Where cached responses live: this process, or Redis shared by every gateway replica.
 *
 * A fetch that began before a change and completes after the change's invalidation would store
 * the old value again; `lookup` therefore returns a mark of the invalidations so far, and `store`
 * refuses the response when any of its tags was invalidated after that mark.
 */
export interface ResponseStore {
  lookup(key: string): Promise<{ hit: CachedResponse | null; mark: number }>;
  /** Whether the response was stored (false when one of its tags was invalidated since `mark`). */
  store(key: string, response: CachedResponse, tags: readonly string[], mark: number): Promise<boolean>;
  invalidate(tags: readonly string[]): Promise<void>;
  close(): Promise<void>;
}

/**
 * How long invalidations are remembered for the race guard. A fetch slower than this is never
 * stored: the guard could no longer tell whether a change overtook it.
 */
export const GUARD_HORIZON_MS = 60_000;
