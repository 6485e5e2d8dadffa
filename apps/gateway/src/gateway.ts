import type { IncomingMessage } from 'node:http';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import type { LiveFeed } from '@omni/events';
import { DEFAULT_OPERATION_LIMITS } from '@omni/graphql';
import { createErrorFormatter, inputHygienePlugin, listenGraphQLHttp, observedRequestOf, unknownOperationPlugin, type RunningServer } from '@omni/graphql';
import { callerResolver } from './caller-from-request';
import type { GatewayContext } from './gateway-context';
import { gatewayOperationLimits, type GatewayLimitsOptions } from './operation-limits';
import { MANIFEST_FILE, readManifest, registeredDocuments, safelistGuard } from './persisted-operations';
import { createGatewayRateLimits, type ClientKind, type RateLimitOptions } from './rate-limits';
import { subgraphReadiness, subgraphsOf } from './readiness';
import { createResponseCache, type ResponseCacheSettings } from './response-cache';
import { explorer } from './explorer/explorer';
import { createLiveUpdates } from './live';
import { nodeLookupPlugin } from './node-lookup-plugin';
import { repeatedErrorsPlugin } from './repeated-errors-plugin';
import { SignedDataSource } from './signed-data-source';
import { VISIBILITY_SHARED_SUBGRAPHS } from './transport/shared-fetches';
import type { SubgraphName } from './subgraphs';

export interface GatewayOptions {
  supergraphSdl: string;
  subgraphUrls: Record<SubgraphName, string>;
  tokenSecret: string;
  signingSecret: string;
  /** Operation limits and list sizes for cost; the documented defaults when left out. */
  operationLimits?: GatewayLimitsOptions;
  /** Largest client request body; 1 MB by default, far above any real operation. */
  bodyLimit?: number | string;
  /** Browser origins allowed by CORS: `'*'`, a list, or none (the default). */
  corsOrigins?: '*' | readonly string[];
  /** Production hides schema details (field suggestions) from error messages. */
  production?: boolean;
  /** Budgets by calculated cost per caller (see README "Rate limits"); the defaults when left out, none when false. */
  rateLimits?: RateLimitOptions | false;
  /** Proxies in front of the gateway that append to X-Forwarded-For; 0 (use the socket's address) by default. */
  trustedProxyHops?: number;
  /** The registered operations (Apollo's manifest format) and the client kinds limited to them. */
  persistedOperations?: { manifestFile?: string; safelistedKinds?: readonly ClientKind[] };
  /** Committed domain events feeding the subscriptions (README "Live updates"); subscriptions are refused without one. */
  liveFeed?: LiveFeed;
  /**
   * Public catalog responses answered from a cache until the catalog's events on `liveFeed` say they
   * changed (README "Response cache"); off when left out, and only for a feed the catalog announces to.
   */
  responseCache?: ResponseCacheSettings;
  /**
   * Identical queries in flight at once share one subgraph fetch: for the same caller, or, to the
   * public catalog, for any caller who sees the same (transport/shared-fetches.ts); on by default.
   */
  deduplicateFetches?: boolean;
}

/** The public endpoint: authenticates, plans over the static supergraph, masks unexpected errors. */
export function createGateway(options: GatewayOptions) {
  // @apollo/gateway otherwise reports usage metrics to Apollo and probes cloud metadata
  // endpoints (AWS, GCP, Azure) to describe the host. A self-hosted product must not phone home,
  // and the library takes this switch only from the environment.
  process.env.APOLLO_TELEMETRY_DISABLED = 'true';
  const gateway = new ApolloGateway({
    supergraphSdl: options.supergraphSdl,
    buildService: ({ name, url }) =>
      new SignedDataSource(options.subgraphUrls[name as SubgraphName] ?? url ?? '', options.signingSecret, name, {
        deduplicate: options.deduplicateFetches ?? true,
        sharedBy: VISIBILITY_SHARED_SUBGRAPHS.has(name) ? 'visibility' : 'caller',
      }),
  });
  const rateLimits = options.rateLimits === false ? null : createGatewayRateLimits(options.rateLimits);
  const limits = gatewayOperationLimits(options.supergraphSdl, options.operationLimits, rateLimits?.throttle);
  const operations = readManifest(options.persistedOperations?.manifestFile ?? MANIFEST_FILE);
  const registered = registeredDocuments(operations);
  const callerOf = callerResolver(options.tokenSecret, options.trustedProxyHops ?? 0);
  const production = options.production ?? process.env.NODE_ENV === 'production';
  const { maxTokens, ...documentLimits } = { ...DEFAULT_OPERATION_LIMITS, ...options.operationLimits?.limits };
  const live = createLiveUpdates({
    feed: options.liveFeed,
    callerOf,
    maxTokens,
    limits: documentLimits,
    maxPayload: typeof options.bodyLimit === 'number' ? options.bodyLimit : 1024 * 1024,
    safelist: { operations, safelistedKinds: new Set(options.persistedOperations?.safelistedKinds ?? []) },
  });
  const responseCache = options.responseCache ? createResponseCache(options.supergraphSdl, options.responseCache, options.liveFeed) : null;
  const apollo = new ApolloServer<GatewayContext>({
    gateway: live.gateway(gateway),
    formatError: createErrorFormatter(),
    includeStacktraceInErrorResponses: false,
    // "Did you mean …" would enumerate the schema with introspection off.
    hideSchemaDetailsFromClientErrors: production,
    // Clients build from the committed schema.graphql; production does not describe itself.
    introspection: !production,
    plugins: [unknownOperationPlugin(), inputHygienePlugin(), limits.plugin, nodeLookupPlugin(), repeatedErrorsPlugin(), ...(responseCache ? [responseCache.plugin] : [])],
    parseOptions: limits.parseOptions,
    // Automatic persisted queries, with the manifest's operations known from the start.
    persistedQueries: { cache: registered.apqCache },
    documentStore: registered.documentStore,
    // The entry point stops on signals (`stopOnTerminationSignals`); Apollo's handlers would re-raise
    // the signal after stopping and end the process with 143 instead of 0.
    stopOnTerminationSignals: false,
  });
  live.runThrough(apollo);

  return {
    apollo,
    async listen(port: number, host = '127.0.0.1'): Promise<RunningServer> {
      const { url, httpServer } = await listenGraphQLHttp(apollo, {
        port,
        host,
        service: 'gateway',
        bodyLimit: options.bodyLimit ?? '1mb',
        // GraphiQL, served from node_modules, for development only.
        guards: [...(production ? [] : [explorer()]), safelistGuard({ operations, safelistedKinds: new Set(options.persistedOperations?.safelistedKinds ?? []), callerOf }), limits.httpGuard, live.sse],
        corsOrigins: options.corsOrigins,
        // The API's JSON POSTs skip express; the explorer's pages, GETs and the SSE stream stay with it.
        directJsonPost: { paths: ['/', '/graphql'] },
        readiness: subgraphReadiness(subgraphsOf(options.supergraphSdl, options.subgraphUrls), options.signingSecret),
        context: async ({ req }: { req: IncomingMessage }): Promise<GatewayContext> => ({ caller: await callerOf(req), request: observedRequestOf(req) }),
      });
      live.attach(httpServer);
      return {
        url,
        async stop() {
          await live.close();
          await apollo.stop();
          await rateLimits?.store.close();
          await responseCache?.close();
        },
      };
    },
  };
}

export { composeSupergraph } from './compose';
export { DEFAULT_BUDGETS, type Budgets, type ClientKind, type RateLimitOptions } from './rate-limits';
export type { ResponseCacheSettings } from './response-cache';
export { loadResponseCacheSettings } from './env';
export { subgraphReadiness, subgraphsOf } from './readiness';
export { SUBGRAPHS, SUPERGRAPH_FILE, type SubgraphName } from './subgraphs';
