/** How big a caller's bucket is and how fast it refills: points, and points a second. */
export interface Budget {
  maximumAvailable: number;
  restoreRate: number;
}

/** A bucket as stored: points left when it was last touched. */
export interface BucketState {
  available: number;
  updatedAtMs: number;
}

export interface BucketCharge {
  allowed: boolean;
  /** The bucket after the charge (unchanged when refused). */
  state: BucketState;
  /** Whole seconds until the bucket holds `cost` again; 0 when allowed. */
  retryAfterSeconds: number;
}

/**
 * A token bucket as Shopify's GraphQL APIs keep one: it starts full, refills at `restoreRate`
 * points a second up to `maximumAvailable`, and an operation runs only when the bucket holds its
 * whole cost, which is then taken. A refused operation takes nothing, so a client that waits the
 * `Retry-After` it was given gets through. The Redis script applies the same rule.
 */
export function chargeBucket(previous: BucketState | undefined, cost: number, budget: Budget, nowMs: number): BucketCharge {
  const available = refilled(previous, budget, nowMs);
  if (cost <= available) {
    return { allowed: true, state: { available: available - cost, updatedAtMs: nowMs }, retryAfterSeconds: 0 };
  }
  return { allowed: false, state: { available, updatedAtMs: nowMs }, retryAfterSeconds: secondsUntil(cost, available, budget) };
}

export function refilled(previous: BucketState | undefined, budget: Budget, nowMs: number): number {
  if (!previous) return budget.maximumAvailable;
  const elapsedSeconds = Math.max(0, nowMs - previous.updatedAtMs) / 1000;
  return Math.min(budget.maximumAvailable, previous.available + elapsedSeconds * budget.restoreRate);
}

/** At least one second: Retry-After counts whole seconds, and 0 would invite an immediate retry. */
export function secondsUntil(cost: number, available: number, budget: Budget): number {
  return Math.max(1, Math.ceil((Math.min(cost, budget.maximumAvailable) - available) / budget.restoreRate));
}

/** When an untouched bucket is full again, and so no different from one never seen. */
export function msUntilFull(state: BucketState, budget: Budget): number {
  return Math.ceil(((budget.maximumAvailable - state.available) / budget.restoreRate) * 1000);
}
