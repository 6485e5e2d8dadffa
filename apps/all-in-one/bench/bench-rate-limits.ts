import { DEFAULT_BUDGETS, type Budgets, type RateLimitOptions } from '@omni/gateway';

/**
 * The bench loads the gateway as one caller per scenario far faster than any real client, so it
 * gives every kind a budget it cannot exhaust: the rate limiter still charges every operation
 * (its cost is part of what is measured), it just never refuses. `--rate-limits=default` keeps
 * the production defaults, `--rate-limits=off` leaves the limiter out (to measure its overhead).
 */
export const BENCH_BUDGET = { maximumAvailable: 1_000_000_000_000, restoreRate: 1_000_000_000 };

export type BenchRateLimits = 'bench' | 'default' | 'off';

export function benchRateLimits(mode: BenchRateLimits): RateLimitOptions | false {
  if (mode === 'off') return false;
  if (mode === 'default') return {};
  return { budgets: Object.fromEntries(Object.keys(DEFAULT_BUDGETS).map((kind) => [kind, BENCH_BUDGET])) as Budgets };
}

/** The same as the gateway process's environment (RATE_LIMIT_<KIND>, RATE_LIMITS). */
export function benchRateLimitEnv(mode: BenchRateLimits): Record<string, string> {
  if (mode === 'off') return { RATE_LIMITS: 'off' };
  if (mode === 'default') return {};
  const value = `${BENCH_BUDGET.maximumAvailable}/${BENCH_BUDGET.restoreRate}`;
  return Object.fromEntries(Object.keys(DEFAULT_BUDGETS).map((kind) => [`RATE_LIMIT_${kind.toUpperCase().replace(/-/g, '_')}`, value]));
}

export function describeBenchRateLimits(mode: BenchRateLimits): string {
  if (mode === 'off') return 'rate limits: off';
  if (mode === 'default') return 'rate limits: default budgets';
  return `rate limits: every kind ${BENCH_BUDGET.maximumAvailable} points, restoring ${BENCH_BUDGET.restoreRate}/s (never refuses)`;
}

/**
 * `--edge=off`: the baseline the edge's cost is measured against. Every service answers without
 * request ids, access log, metrics and trace spans, logs nothing, and the gateway has no rate
 * limiter; `on` (the default) runs them as production does, logging JSON at info.
 */
export type BenchEdge = 'on' | 'off';

/** Environment of every process for the edge mode (the gateway's rate limits come from benchRateLimitEnv). */
export function benchEdgeEnv(edge: BenchEdge): Record<string, string> {
  return edge === 'off' ? { LOG_LEVEL: 'silent' } : { LOG_LEVEL: 'info', LOG_FORMAT: 'json' };
}
