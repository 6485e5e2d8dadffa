import autocannon from 'autocannon';
import type { GatewayName } from './compare-target';
import { callerHeaders } from './gateway-client';
import type { BenchCaller } from './peer-callers';

export interface RoundResult {
  /** Requests (or, for a multi-request flow, flows) answered in the round. */
  requests: number;
  /** Requests (flows) sent, those still in flight when the clock ran out included: what the costs are divided by. */
  sent: number;
  rps: number;
  p50: number;
  p99: number;
  /** Transport errors and non-2xx answers, or flows that failed or met user errors. */
  errors: number;
}

/**
 * One read operation loaded with autocannon: every connection sends the same body, as its own
 * caller (connection i is caller i modulo the callers given: one caller is shared traffic).
 */
export async function loadRead(options: {
  gateway: GatewayName;
  url: string;
  callers: BenchCaller[];
  query: string;
  variables: Record<string, unknown>;
  connections: number;
  seconds: number;
}): Promise<RoundResult> {
  let next = 0;
  const result = await autocannon({
    url: options.url,
    method: 'POST',
    headers: callerHeaders(options.gateway, options.callers[0]!),
    body: JSON.stringify({ query: options.query, variables: options.variables }),
    connections: options.connections,
    duration: options.seconds,
    setupClient: (client) => client.setHeaders(callerHeaders(options.gateway, options.callers[next++ % options.callers.length]!)),
  });
  return { requests: result.requests.total, sent: Math.max(result.requests.sent, result.requests.total), rps: oneDecimal(result.requests.total / result.duration), p50: result.latency.p50, p99: result.latency.p99, errors: result.errors + result.non2xx };
}

/**
 * `workers` loops for `seconds`, each sending its steps one after another (a step may be several
 * requests, such as a checkout flow); latency is per step.
 */
export async function loadSteps(workers: number, seconds: number, step: (worker: number, iteration: number) => Promise<boolean>): Promise<RoundResult> {
  const latencies: number[] = [];
  let errors = 0;
  const deadline = Date.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: workers }, async (_, worker) => {
      for (let iteration = 0; Date.now() < deadline; iteration += 1) {
        const start = performance.now();
        const ok = await step(worker, iteration).catch(() => false);
        latencies.push(performance.now() - start);
        if (!ok) errors += 1;
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return { requests: latencies.length, sent: latencies.length, rps: oneDecimal(latencies.length / elapsed), p50: percentile(latencies, 50), p99: percentile(latencies, 99), errors };
}

const oneDecimal = (value: number) => Math.round(value * 10) / 10;

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!);
}
