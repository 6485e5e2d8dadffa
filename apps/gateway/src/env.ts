import { z } from 'zod';
import { DEV_SIGNING_SECRET, DEV_TOKEN_SECRET, EnvError, assertProductionSecrets, loadEventBusEnv, loadObservabilityEnv, loadSiblingUrls, parseEnv, workersSetting, type EventBusEnv, type ObservabilityEnv } from '@omni/config';
import { DEFAULT_LIST_SIZING, DEFAULT_OPERATION_LIMITS, type ListSizing, type OperationLimits } from '@omni/graphql';
import { BUDGET_VARIABLES, CLIENT_KINDS, budgetVariableOf, parseBudget, type Budgets, type ClientKind, type RateLimitOptions } from './rate-limits';
import { DEFAULT_RESPONSE_CACHE_MAX_BYTES, DEFAULT_RESPONSE_CACHE_TTL_SECONDS, type ResponseCacheSettings } from './response-cache';
import { SUBGRAPHS, defaultUrlOf, type SubgraphName } from './subgraphs';

const limit = (fallback: number) => z.coerce.number().int().min(1).default(fallback);

const gatewayEnvSchema = z.object({
  NODE_ENV: z.string().default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  HOST: z.string().default('0.0.0.0'),
  AUTH_TOKEN_SECRET: z.string().min(32).default(DEV_TOKEN_SECRET),
  GATEWAY_SIGNING_SECRET: z.string().min(32).default(DEV_SIGNING_SECRET),
  // Operation limits, checked before anything runs; see "Operation limits" in README.md.
  OPERATION_MAX_DEPTH: limit(DEFAULT_OPERATION_LIMITS.maxDepth),
  OPERATION_MAX_COST: limit(DEFAULT_OPERATION_LIMITS.maxCost),
  OPERATION_MAX_ALIASES: limit(DEFAULT_OPERATION_LIMITS.maxAliases),
  OPERATION_MAX_DIRECTIVES: limit(DEFAULT_OPERATION_LIMITS.maxDirectives),
  OPERATION_MAX_ROOT_FIELDS: limit(DEFAULT_OPERATION_LIMITS.maxRootFields),
  OPERATION_MAX_REPEATED_FIELD: limit(DEFAULT_OPERATION_LIMITS.maxRepeatedField),
  OPERATION_MAX_TOKENS: limit(DEFAULT_OPERATION_LIMITS.maxTokens),
  OPERATION_ASSUMED_LIST_SIZE: limit(DEFAULT_LIST_SIZING.assumedListSize),
  // Browser origins allowed to call, comma-separated, or `*`; see "CORS" in README.md.
  CORS_ORIGINS: z.string().optional(),
  // Rate limits and persisted operations; see "Rate limits and persisted operations" in README.md.
  RATE_LIMITS: z.enum(['on', 'off']).default('on'),
  ...Object.fromEntries(BUDGET_VARIABLES.map((name) => [name, z.string().max(100).optional()])),
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).optional(),
  RATE_LIMIT_KEY_PREFIX: z.string().min(1).max(100).optional(),
  TRUSTED_PROXY_HOPS: z.coerce.number().int().min(0).max(10).default(0),
  SAFELIST_CLIENT_KINDS: z.string().default(''),
  PERSISTED_OPERATIONS_FILE: z.string().min(1).optional(),
  // Identical queries in flight at once for the same caller share one subgraph fetch; see "All cores and the gateway's hot path" in README.md.
  GATEWAY_DEDUPLICATE_FETCHES: z.enum(['on', 'off']).default('on'),
  // Processes serving the gateway on this host: `auto` (one per core) or a count; see "All cores and the gateway's hot path" in README.md.
  WORKERS: workersSetting,
});

// Public catalog responses cached until the catalog announces a change; see "Response cache" in README.md.
const responseCacheEnvSchema = z.object({
  GATEWAY_RESPONSE_CACHE: z.enum(['on', 'off']).default('on'),
  GATEWAY_RESPONSE_CACHE_TTL_SECONDS: z.coerce.number().int().min(1).max(3600).default(DEFAULT_RESPONSE_CACHE_TTL_SECONDS),
  GATEWAY_RESPONSE_CACHE_MAX_MB: z.coerce.number().int().min(1).max(65536).default(DEFAULT_RESPONSE_CACHE_MAX_BYTES / 1024 / 1024),
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).optional(),
});

/** The response cache's settings, for the gateway alone and for `npm start`; false when switched off. */
export function loadResponseCacheSettings(source: Record<string, string | undefined> = process.env): ResponseCacheSettings | false {
  const env = parseEnv(responseCacheEnvSchema, source);
  if (env.GATEWAY_RESPONSE_CACHE === 'off') return false;
  return {
    ttlSeconds: env.GATEWAY_RESPONSE_CACHE_TTL_SECONDS,
    maxBytes: env.GATEWAY_RESPONSE_CACHE_MAX_MB * 1024 * 1024,
    // Shared by every replica through the Redis the rate limits use.
    ...(env.REDIS_URL ? { redisUrl: env.REDIS_URL } : {}),
  };
}

/** Budgets named by RATE_LIMIT_<KIND>; kinds not named keep their defaults. */
function parseBudgets(source: Record<string, string | undefined>): Partial<Budgets> {
  const budgets: Partial<Budgets> = {};
  for (const kind of CLIENT_KINDS) {
    const name = budgetVariableOf(kind);
    const value = source[name];
    if (value === undefined) continue;
    try {
      const budget = parseBudget(value);
      if (budget !== undefined) budgets[kind] = budget;
    } catch (error) {
      throw new EnvError(`${name}: ${(error as Error).message}`);
    }
  }
  return budgets;
}

/** Comma-separated client kinds, each one of CLIENT_KINDS. */
function parseClientKinds(value: string): ClientKind[] {
  const kinds = value.split(',').map((kind) => kind.trim()).filter(Boolean);
  for (const kind of kinds) {
    if (!(CLIENT_KINDS as readonly string[]).includes(kind)) {
      throw new EnvError(`SAFELIST_CLIENT_KINDS: "${kind.slice(0, 40)}" is not one of ${CLIENT_KINDS.join(', ')}`);
    }
  }
  return kinds as ClientKind[];
}

/** `*`, or each origin exactly as a browser sends it (scheme, host, port; no path). */
function parseCorsOrigins(value: string | undefined, production: boolean): '*' | string[] {
  // Development answers any page (a local front end on any port); production only configured ones.
  if (value === undefined) return production ? [] : '*';
  if (value.trim() === '*') return '*';
  const origins = value.split(',').map((origin) => origin.trim()).filter(Boolean);
  for (const origin of origins) {
    const parsed = URL.canParse(origin) ? new URL(origin) : null;
    if (!parsed || !/^https?:$/.test(parsed.protocol) || parsed.origin !== origin) {
      throw new EnvError(`CORS_ORIGINS: "${origin}" is not an origin such as https://shop.example.com`);
    }
  }
  return origins;
}

export interface GatewayEnv {
  production: boolean;
  port: number;
  host: string;
  tokenSecret: string;
  signingSecret: string;
  subgraphUrls: Record<SubgraphName, string>;
  corsOrigins: '*' | string[];
  operationLimits: { limits: OperationLimits; sizing: Pick<ListSizing, 'assumedListSize'> };
  /** LOG_LEVEL, LOG_FORMAT, METRICS_TOKEN, OTEL_*; see "Logs, metrics, traces" in README.md. */
  observability: ObservabilityEnv;
  /** EVENT_BUS_URL: where live updates come from (NATS, or the Postgres server's LISTEN/NOTIFY); none when unset. */
  eventBus: EventBusEnv;
  rateLimits: RateLimitOptions | false;
  trustedProxyHops: number;
  persistedOperations: { manifestFile?: string; safelistedKinds: ClientKind[] };
  deduplicateFetches: boolean;
  /** WORKERS: gateway processes on this host behind one port (node:cluster); 1 when unset. */
  workers: number;
  /** Shared through Redis when REDIS_URL is set; false when GATEWAY_RESPONSE_CACHE=off. */
  responseCache: ResponseCacheSettings | false;
}

/**
 * Read once at start; `<NAME>_URL` points the gateway at each subgraph (required in production,
 * the local ports 4001–4005 otherwise).
 */
export function loadGatewayEnv(source: Record<string, string | undefined> = process.env): GatewayEnv {
  const env = parseEnv(gatewayEnvSchema, source);
  const production = env.NODE_ENV === 'production';
  const urls = loadSiblingUrls(source, production, Object.fromEntries(SUBGRAPHS.map(({ name }) => [name, defaultUrlOf(name)])) as Record<SubgraphName, string>);
  const result: GatewayEnv = {
    production,
    port: env.PORT,
    host: env.HOST,
    tokenSecret: env.AUTH_TOKEN_SECRET,
    signingSecret: env.GATEWAY_SIGNING_SECRET,
    subgraphUrls: urls,
    corsOrigins: parseCorsOrigins(env.CORS_ORIGINS, production),
    observability: loadObservabilityEnv(source, 'gateway'),
    eventBus: loadEventBusEnv(source),
    operationLimits: {
      limits: {
        maxDepth: env.OPERATION_MAX_DEPTH,
        maxCost: env.OPERATION_MAX_COST,
        maxAliases: env.OPERATION_MAX_ALIASES,
        maxDirectives: env.OPERATION_MAX_DIRECTIVES,
        maxRootFields: env.OPERATION_MAX_ROOT_FIELDS,
        maxRepeatedField: env.OPERATION_MAX_REPEATED_FIELD,
        maxTokens: env.OPERATION_MAX_TOKENS,
      },
      sizing: { assumedListSize: env.OPERATION_ASSUMED_LIST_SIZE },
    },
    rateLimits:
      env.RATE_LIMITS === 'off'
        ? false
        : {
            budgets: parseBudgets(source),
            ...(env.REDIS_URL ? { redisUrl: env.REDIS_URL } : {}),
            ...(env.RATE_LIMIT_KEY_PREFIX ? { keyPrefix: env.RATE_LIMIT_KEY_PREFIX } : {}),
          },
    trustedProxyHops: env.TRUSTED_PROXY_HOPS,
    persistedOperations: {
      safelistedKinds: parseClientKinds(env.SAFELIST_CLIENT_KINDS),
      ...(env.PERSISTED_OPERATIONS_FILE ? { manifestFile: env.PERSISTED_OPERATIONS_FILE } : {}),
    },
    deduplicateFetches: env.GATEWAY_DEDUPLICATE_FETCHES === 'on',
    workers: env.WORKERS,
    responseCache: loadResponseCacheSettings(source),
  };
  assertProductionSecrets(result, [result.tokenSecret, result.signingSecret]);
  return result;
}
