import { createHash } from 'node:crypto';
import { HeaderMap, type ApolloServerPlugin, type GraphQLRequestContext } from '@apollo/server';
import type { OperationDefinitionNode } from 'graphql';
import type { Caller } from '@omni/auth';
import type { GatewayContext } from '../gateway-context';
import { cacheabilityOf, mutatesGraph, type Cacheability } from './cacheability';
import { ALL_TAG, catalogTagsOf, tagsOfCatalogEvent, type CatalogEventLike } from './catalog-tags';
import { createMemoryResponseStore } from './memory-response-store';
import { createRedisResponseStore } from './redis-response-store';
import { GUARD_HORIZON_MS, type ResponseStore } from './response-store';
import { supergraphOwnership } from './supergraph-ownership';

/** Where the gateway hears committed catalog changes: a `LiveFeed` of `@omni/events`. */
export interface CatalogEventFeed {
  listen(listener: (event: CatalogEventLike) => void): () => void;
}

export interface ResponseCacheSettings {
  /** Longest a response is kept, whatever the events say; 30 s by default. */
  ttlSeconds?: number;
  /** Upper bound of the responses held in this process; 64 MB by default. Unused with Redis. */
  maxBytes?: number;
  /** Responses in this Redis, shared by every gateway replica; in this process without it. */
  redisUrl?: string;
  /** Prefix of every Redis key; `omni:cache:` by default. */
  keyPrefix?: string;
}

export const DEFAULT_RESPONSE_CACHE_TTL_SECONDS = 30;
export const DEFAULT_RESPONSE_CACHE_MAX_BYTES = 64 * 1024 * 1024;
export const DEFAULT_RESPONSE_CACHE_KEY_PREFIX = 'omni:cache:';

/** The subgraph whose public data may be shared between callers, and whose events invalidate it. */
const CACHED_GRAPH = 'catalog';

/**
 * Shared responses may be stored by the client's own caches only for as long as the gateway
 * can vouch for them: not at all, since a change is announced to the gateway, not to them.
 */
const PUBLIC_CACHE_CONTROL = 'public, max-age=0, must-revalidate';
/** The answer depends on the caller's credentials and channel. */
const VARY = 'authorization, x-omni-channel';

/**
 * What the catalog shows a caller depends on who they are only through their kind (staff read
 * references to withdrawn products), channel, role and scopes; never on their id, so callers
 * alike share one entry.
 */
export function visibilityKeyOf(caller: Caller): string {
  return [caller.kind, caller.channel, caller.staffRole ?? '', [...caller.scopes].sort().join(',')].join('|');
}

function cacheKeyOf(visibility: string, queryHash: string, operationName: string | null, variables: unknown): string {
  return createHash('sha256')
    .update(`${visibility}\u0000${queryHash}\u0000${operationName ?? ''}\u0000${JSON.stringify(variables ?? {})}`)
    .digest('base64url');
}

/**
 * A response-level cache of public catalog queries: answered without any subgraph fetch while
 * nothing they show has changed. Each stored response carries the tags of what it shows
 * (catalog-tags.ts); the catalog's events drop every response tagged with what they change.
 */
export function createResponseCache(
  supergraphSdl: string,
  options: ResponseCacheSettings,
  events: CatalogEventFeed | undefined,
): { plugin: ApolloServerPlugin<GatewayContext>; close(): Promise<void> } {
  // The events are what keeps the cache fresh: without them it would serve changed data for a whole TTL.
  if (!events) throw new Error('The response cache needs the live feed the catalog announces its changes to (liveFeed)');
  const ttlMs = (options.ttlSeconds ?? DEFAULT_RESPONSE_CACHE_TTL_SECONDS) * 1000;
  const store: ResponseStore = options.redisUrl
    ? createRedisResponseStore({ url: options.redisUrl, keyPrefix: options.keyPrefix ?? DEFAULT_RESPONSE_CACHE_KEY_PREFIX, ttlMs })
    : createMemoryResponseStore({ maxBytes: options.maxBytes ?? DEFAULT_RESPONSE_CACHE_MAX_BYTES, ttlMs });
  const ownership = supergraphOwnership(supergraphSdl);
  // Parsed documents are kept by Apollo's document store, so their operations are the same objects on every request.
  const verdicts = new WeakMap<OperationDefinitionNode, Cacheability>();
  const catalogMutations = new WeakMap<OperationDefinitionNode, boolean>();
  const stopListening = events.listen((event) => {
    const tags = tagsOfCatalogEvent(event);
    if (tags) void store.invalidate(tags);
  });

  function verdictOf(requestContext: GraphQLRequestContext<GatewayContext>): Cacheability | undefined {
    const { document, operation } = requestContext;
    if (!document || !operation) return undefined;
    let verdict = verdicts.get(operation);
    if (!verdict) verdicts.set(operation, (verdict = cacheabilityOf(document, operation, ownership, CACHED_GRAPH)));
    return verdict;
  }

  function mutatesCatalog(operation: OperationDefinitionNode | undefined): boolean {
    if (!operation || operation.operation !== 'mutation') return false;
    let mutates = catalogMutations.get(operation);
    if (mutates === undefined) catalogMutations.set(operation, (mutates = mutatesGraph(operation, ownership, CACHED_GRAPH)));
    return mutates;
  }

  const plugin: ApolloServerPlugin<GatewayContext> = {
    async requestDidStart() {
      let fetching: { key: string; mark: number; startedMs: number; verdict: Extract<Cacheability, { cacheable: true }> } | null = null;
      let servedAgeSeconds: number | null = null;
      return {
        async responseForOperation(requestContext) {
          const verdict = verdictOf(requestContext);
          if (!verdict?.cacheable || !requestContext.contextValue.caller) return null;
          const { request, queryHash, operationName } = requestContext;
          const key = cacheKeyOf(visibilityKeyOf(requestContext.contextValue.caller), queryHash ?? '', operationName, request.variables);
          const startedMs = Date.now();
          const { hit, mark } = await store.lookup(key);
          if (!hit) {
            fetching = { key, mark, startedMs, verdict };
            return null;
          }
          servedAgeSeconds = Math.max(0, Math.floor((startedMs - hit.storedAtMs) / 1000));
          return { http: { status: undefined, headers: new HeaderMap() }, body: { kind: 'single', singleResult: { data: hit.data } } };
        },
        async willSendResponse({ response, operation }) {
          // Committed by now (or refused); its events follow, but its author may read again at once.
          if (mutatesCatalog(operation)) await store.invalidate([ALL_TAG]);
          if (servedAgeSeconds !== null) {
            response.http.headers.set('cache-control', PUBLIC_CACHE_CONTROL);
            response.http.headers.set('age', String(servedAgeSeconds));
            response.http.headers.set('vary', VARY);
            return;
          }
          if (!fetching || response.body.kind !== 'single') return;
          const { data, errors } = response.body.singleResult;
          if (errors?.length || !data || (response.http.status ?? 200) !== 200) return;
          response.http.headers.set('cache-control', PUBLIC_CACHE_CONTROL);
          response.http.headers.set('age', '0');
          response.http.headers.set('vary', VARY);
          if (Date.now() - fetching.startedMs > GUARD_HORIZON_MS) return;
          const tags = catalogTagsOf(fetching.verdict.shape, data);
          // Not awaited: the client need not wait for the store; the race guard is inside it.
          void store.store(fetching.key, { data, storedAtMs: fetching.startedMs }, [...tags], fetching.mark);
        },
      };
    },
  };

  return {
    plugin,
    async close() {
      stopListening();
      await store.close();
    },
  };
}
