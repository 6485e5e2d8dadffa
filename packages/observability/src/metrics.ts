import { timingSafeEqual } from 'node:crypto';
import { Counter, Gauge, Histogram, collectDefaultMetrics, register } from 'prom-client';

/**
 * Prometheus metrics of this process, served at `GET /metrics`. Every series is labelled with
 * the service, since `npm start` runs all six in one process. Labels stay bounded: operation
 * names are client input, so only well-formed ones count, and only the first
 * MAX_OPERATIONS_PER_SERVICE of them; the rest are `other`.
 */
export const MAX_OPERATIONS_PER_SERVICE = 100;
const OPERATION_NAME = /^[_A-Za-z][_0-9A-Za-z]{0,63}$/;

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

const requests = new Counter({
  name: 'graphql_requests_total',
  help: 'HTTP requests to the GraphQL endpoint, by service, operation name and outcome (ok, error: answered with GraphQL errors, client_error: 4xx, server_error: 5xx).',
  labelNames: ['service', 'operation', 'outcome'] as const,
});

const latency = new Histogram({
  name: 'graphql_request_duration_seconds',
  help: 'Time from receiving a GraphQL request to the end of its response, by service and operation name.',
  labelNames: ['service', 'operation'] as const,
  buckets: LATENCY_BUCKETS,
});

const errors = new Counter({
  name: 'graphql_errors_total',
  help: 'GraphQL errors answered, by service and error code (codes outside the API\'s list count as other).',
  labelNames: ['service', 'code'] as const,
});

const subgraphFetches = new Counter({
  name: 'gateway_subgraph_fetches_total',
  help: 'Requests from the gateway to a subgraph, by subgraph and outcome (ok, error: an HTTP error status, unreachable: no answer).',
  labelNames: ['subgraph', 'outcome'] as const,
});

const subgraphLatency = new Histogram({
  name: 'gateway_subgraph_fetch_duration_seconds',
  help: 'Time the gateway waits for one subgraph fetch, by subgraph.',
  labelNames: ['subgraph'] as const,
  buckets: LATENCY_BUCKETS,
});

const KNOWN_ERROR_CODES = new Set(['UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND', 'BAD_USER_INPUT', 'CONFLICT', 'RATE_LIMITED', 'SERVICE_UNAVAILABLE', 'INTERNAL_SERVER_ERROR', 'PERSISTED_QUERY_NOT_FOUND']);

const seenOperations = new Map<string, Set<string>>();

/** The label for an operation name: itself while few are known, `anonymous` without one, else `other`. */
export function operationLabel(service: string, name: string | undefined): string {
  if (name === undefined || name === '') return 'anonymous';
  if (!OPERATION_NAME.test(name)) return 'other';
  let seen = seenOperations.get(service);
  if (!seen) seenOperations.set(service, (seen = new Set()));
  if (seen.has(name)) return name;
  if (seen.size >= MAX_OPERATIONS_PER_SERVICE) return 'other';
  seen.add(name);
  return name;
}

export type RequestOutcome = 'ok' | 'error' | 'client_error' | 'server_error';

export function requestOutcome(status: number, errorCount: number): RequestOutcome {
  if (status >= 500) return 'server_error';
  if (status >= 400) return 'client_error';
  return errorCount > 0 ? 'error' : 'ok';
}

export function recordRequest(request: { service: string; operationName: string | undefined; status: number; durationSeconds: number; errorCodes: readonly string[] }): void {
  const operation = operationLabel(request.service, request.operationName);
  requests.inc({ service: request.service, operation, outcome: requestOutcome(request.status, request.errorCodes.length) });
  latency.observe({ service: request.service, operation }, request.durationSeconds);
  for (const code of request.errorCodes) errors.inc({ service: request.service, code: KNOWN_ERROR_CODES.has(code) ? code : 'other' });
}

export function recordSubgraphFetch(subgraph: string, outcome: 'ok' | 'error' | 'unreachable', durationSeconds: number): void {
  subgraphFetches.inc({ subgraph, outcome });
  subgraphLatency.observe({ subgraph }, durationSeconds);
}

let metricsToken: string | undefined;
let defaultMetricsStarted = false;

/** `token`: when set, `/metrics` answers only `Authorization: Bearer <token>`. */
export function configureMetrics(options: { token?: string }): void {
  metricsToken = options.token;
}

/** Process metrics (CPU, memory, event loop lag, GC), once per process, from the first server on. */
export function startDefaultMetrics(): void {
  if (defaultMetricsStarted) return;
  defaultMetricsStarted = true;
  collectDefaultMetrics();
}

export function metricsAuthorized(authorization: string | undefined): boolean {
  if (metricsToken === undefined) return true;
  const expected = Buffer.from(`Bearer ${metricsToken}`);
  const given = Buffer.from(authorization ?? '');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export async function metricsExposition(): Promise<{ contentType: string; body: string }> {
  return { contentType: register.contentType, body: await register.metrics() };
}

export type PoolConnectionState = 'active' | 'idle' | 'idle_in_transaction' | 'other';

/** What a database pool reports when scraped: its size and its connections by state. */
export interface PoolUsageSource {
  service: string;
  maxConnections: number;
  connectionsByState(): Promise<Partial<Record<PoolConnectionState, number>>>;
}

const poolSources = new Map<string, PoolUsageSource>();

// Read at scrape time only, so a process that is never scraped never pays for it.
const poolMax = new Gauge({
  name: 'db_pool_max_connections',
  help: 'Connections the service\'s database pool may open (1 for embedded Postgres).',
  labelNames: ['service'] as const,
  collect() {
    for (const source of poolSources.values()) this.set({ service: source.service }, source.maxConnections);
  },
});

const poolConnections = new Gauge({
  name: 'db_pool_connections',
  help: 'Connections this process holds to its database, by state (active: running a statement; idle_in_transaction: inside an open transaction), read from pg_stat_activity when scraped.',
  labelNames: ['service', 'state'] as const,
  async collect() {
    this.reset();
    for (const source of poolSources.values()) {
      const counts = await source.connectionsByState().catch(() => null);
      if (!counts) continue;
      for (const state of ['active', 'idle', 'idle_in_transaction', 'other'] as const) this.set({ service: source.service, state }, counts[state] ?? 0);
    }
  },
});
void poolMax;
void poolConnections;

/** Reports a database pool under `/metrics` until the returned function is called. */
export function observePoolUsage(source: PoolUsageSource): () => void {
  poolSources.set(source.service, source);
  return () => {
    if (poolSources.get(source.service) === source) poolSources.delete(source.service);
  };
}
