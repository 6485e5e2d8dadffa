import { availableParallelism } from 'node:os';
import { z } from 'zod';

/** Secrets that ship with the repo so `npm start` works at once; refused when NODE_ENV=production. */
export const DEV_SIGNING_SECRET = 'dev-only-gateway-signing-secret-change-me';
export const DEV_TOKEN_SECRET = 'dev-only-access-token-secret-change-me';

const booleanFlag = z
  .enum(['true', 'false', '1', '0', ''])
  .optional()
  .transform((value) => value === 'true' || value === '1');

/**
 * WORKERS: how many processes serve one service on this host (see "All cores and the gateway's hot path" in README.md):
 * `auto` for one per core, or a count; 1 (this process alone) when unset.
 */
export const workersSetting = z
  .union([z.literal('auto'), z.literal(''), z.coerce.number().int().min(1).max(256)])
  .optional()
  .transform((value) => (value === 'auto' ? availableParallelism() : value === undefined || value === '' ? 1 : value));

const subgraphEnvSchema = z.object({
  NODE_ENV: z.string().default('development'),
  PORT: z.coerce.number().int().min(0).max(65535),
  HOST: z.string().default('0.0.0.0'),
  DATABASE_URL: z.url().optional(),
  OWN_DATABASE_URL: z.url().optional(),
  PGLITE_DIR: z.string().optional(),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  GATEWAY_SIGNING_SECRET: z.string().min(32).default(DEV_SIGNING_SECRET),
  SEED_DEMO_DATA: booleanFlag,
  LOG_SQL: booleanFlag,
  WORKERS: workersSetting,
  BENCH_UNBOUND_CALLER_HEADERS: booleanFlag,
});

/** docker-compose passes `${VAR:-}` through as an empty string, which means "not set". */
const unsetWhenEmpty = <TSchema extends z.ZodType>(schema: TSchema) => z.preprocess((value) => (value === '' ? undefined : value), schema);

const observabilityEnvSchema = z.object({
  NODE_ENV: z.string().default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LOG_FORMAT: z.enum(['json', 'pretty']).optional(),
  // Long enough that it cannot be guessed; sent by Prometheus as `Authorization: Bearer …`.
  METRICS_TOKEN: unsetWhenEmpty(z.string().min(16).optional()),
  OTEL_EXPORTER_OTLP_ENDPOINT: unsetWhenEmpty(z.url({ protocol: /^https?$/ }).optional()),
  OTEL_SERVICE_NAME: unsetWhenEmpty(z.string().optional()),
});

/** Logs, metrics and traces of one process; see "Logs, metrics, traces" in README.md. */
export interface ObservabilityEnv {
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** JSON lines in production, terse readable lines otherwise, unless LOG_FORMAT says. */
  logFormat: 'json' | 'pretty';
  metricsToken: string | undefined;
  otlpEndpoint: string | undefined;
  serviceName: string;
}

export function loadObservabilityEnv(source: Record<string, string | undefined>, serviceName: string): ObservabilityEnv {
  const env = parseEnv(observabilityEnvSchema, source);
  return {
    logLevel: env.LOG_LEVEL,
    logFormat: env.LOG_FORMAT ?? (env.NODE_ENV === 'production' ? 'json' : 'pretty'),
    metricsToken: env.METRICS_TOKEN,
    otlpEndpoint: env.OTEL_EXPORTER_OTLP_ENDPOINT,
    serviceName: env.OTEL_SERVICE_NAME ?? serviceName,
  };
}

export interface SubgraphEnv {
  production: boolean;
  port: number;
  host: string;
  /** `<NAME>_DATABASE_URL`, else DATABASE_URL, else undefined for embedded PGlite. */
  databaseUrl: string | undefined;
  pgliteDir: string;
  poolSize: number;
  signingSecret: string;
  seedDemoData: boolean;
  logSql: boolean;
  /** WORKERS: processes serving this subgraph on this host; more than 1 needs a Postgres server. */
  workers: number;
  /**
   * BENCH_UNBOUND_CALLER_HEADERS: also accept the long-lived caller headers bound to no operation
   * that `npm run bench -- --compare` hands other gateways; refused in production.
   */
  acceptUnboundCallerHeaders: boolean;
  observability: ObservabilityEnv;
}

/**
 * Variables every subgraph shares. `name` picks the per-subgraph database URL, e.g.
 * CATALOG_DATABASE_URL, so each subgraph can live on its own server.
 */
export function loadSubgraphEnv(name: string, defaultPort: number, source: Record<string, string | undefined>): SubgraphEnv {
  const env = parseEnv(subgraphEnvSchema, {
    ...source,
    PORT: source.PORT ?? String(defaultPort),
    OWN_DATABASE_URL: source[`${name.toUpperCase()}_DATABASE_URL`],
  });
  const result: SubgraphEnv = {
    production: env.NODE_ENV === 'production',
    port: env.PORT,
    host: env.HOST,
    databaseUrl: env.OWN_DATABASE_URL ?? env.DATABASE_URL,
    pgliteDir: env.PGLITE_DIR ?? `.data/${name}`,
    poolSize: env.DATABASE_POOL_SIZE,
    signingSecret: env.GATEWAY_SIGNING_SECRET,
    seedDemoData: env.SEED_DEMO_DATA,
    logSql: env.LOG_SQL,
    workers: env.WORKERS,
    acceptUnboundCallerHeaders: env.BENCH_UNBOUND_CALLER_HEADERS,
    observability: loadObservabilityEnv(source, name),
  };
  // An unbound header works for any operation for hours: a bench setting, never a deployed one.
  if (result.production && result.acceptUnboundCallerHeaders) {
    throw new EnvError('BENCH_UNBOUND_CALLER_HEADERS is for the bench only and is refused when NODE_ENV=production');
  }
  assertProductionSecrets(result, [result.signingSecret]);
  assertProductionStorage(result, source.PGLITE_DIR);
  // Embedded PGlite is one database file owned by one process; workers would each open their own copy.
  if (result.workers > 1 && !result.databaseUrl) {
    throw new EnvError(`WORKERS=${result.workers} needs a Postgres server (DATABASE_URL or ${name.toUpperCase()}_DATABASE_URL): embedded PGlite serves one process`);
  }
  return result;
}

/**
 * Production runs on a Postgres server; the embedded database only when PGLITE_DIR says where it
 * lives, never because DATABASE_URL was forgotten (the data would sit inside one container).
 */
export function assertProductionStorage(env: { production: boolean; databaseUrl: string | undefined }, explicitPgliteDir: string | undefined): void {
  if (env.production && !env.databaseUrl && !explicitPgliteDir) {
    throw new EnvError('Set DATABASE_URL (or <NAME>_DATABASE_URL): in production the embedded database is used only when PGLITE_DIR names where it lives');
  }
}

const executionEnvSchema = z.object({
  GRAPHQL_COMPILE_AT_USE: unsetWhenEmpty(z.coerce.number().int().min(1).max(1_000_000).default(2)),
});

/**
 * GRAPHQL_COMPILE_AT_USE: the use of the same query at which a subgraph compiles it (see "Compiled
 * queries" in README.md): 1 compiles on first use; 2 by default, so a query seen once is never compiled.
 */
export function loadExecutionEnv(source: Record<string, string | undefined> = process.env): { compileAtUse: number } {
  return { compileAtUse: parseEnv(executionEnvSchema, source).GRAPHQL_COMPILE_AT_USE };
}

export class EnvError extends Error {
  override name = 'EnvError';
}

/** Parses the environment once; prints every problem at the same time instead of failing one by one. */
export function parseEnv<TSchema extends z.ZodType>(schema: TSchema, source: Record<string, string | undefined>): z.output<TSchema> {
  const result = schema.safeParse(source);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`).join('\n');
    throw new EnvError(`Invalid environment:\n${problems}`);
  }
  return result.data;
}

/** Development secrets are public; running production on them would let anyone sign a caller. */
export function assertProductionSecrets(env: { production: boolean }, secrets: string[]): void {
  if (!env.production) return;
  if (secrets.some((secret) => secret === DEV_SIGNING_SECRET || secret === DEV_TOKEN_SECRET)) {
    throw new EnvError('Set GATEWAY_SIGNING_SECRET and AUTH_TOKEN_SECRET: development secrets are refused in production');
  }
  // One secret for both would let whoever signs caller headers also mint access tokens.
  if (new Set(secrets).size !== secrets.length) {
    throw new EnvError('GATEWAY_SIGNING_SECRET and AUTH_TOKEN_SECRET must differ');
  }
}

/**
 * Where the siblings a service calls listen: `<NAME>_URL` for each, e.g. CATALOG_URL. Outside
 * production a missing one falls back to its local default (`npm start`, a laptop); in production
 * it is a start-up error, because a forgotten variable would send requests to whatever happens to
 * listen on that port.
 */
export function loadSiblingUrls<TName extends string>(
  source: Record<string, string | undefined>,
  production: boolean,
  localDefaults: Record<TName, string>,
): Record<TName, string> {
  const names = Object.keys(localDefaults) as TName[];
  const variable = (name: TName) => `${name.toUpperCase()}_URL`;
  const schema = z.object(Object.fromEntries(names.map((name) => [variable(name), production ? z.url() : z.url().default(localDefaults[name])])));
  const env = parseEnv(schema, source) as Record<string, string>;
  return Object.fromEntries(names.map((name) => [name, env[variable(name)]])) as Record<TName, string>;
}

const eventBusEnvSchema = z.object({
  // nats://… (JetStream delivery, core NATS live feed) or postgres://… (LISTEN/NOTIFY live feed).
  EVENT_BUS_URL: unsetWhenEmpty(z.string().regex(/^(nats|tls|postgres|postgresql):\/\/[^\s]+$/, 'must be a nats://, tls://, postgres:// or postgresql:// URL').optional()),
  // Prefix of the stream, subjects and channel; deployments sharing one NATS server set their own.
  EVENT_BUS_NAMESPACE: unsetWhenEmpty(z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, 'lower-case letters, digits and _').default('omni')),
});

/** How domain events travel; see "Event bus" in README.md. Unset: the embedded default. */
export interface EventBusEnv {
  url: string | undefined;
  namespace: string;
}

export function loadEventBusEnv(source: Record<string, string | undefined>): EventBusEnv {
  const env = parseEnv(eventBusEnvSchema, source);
  return { url: env.EVENT_BUS_URL, namespace: env.EVENT_BUS_NAMESPACE };
}
