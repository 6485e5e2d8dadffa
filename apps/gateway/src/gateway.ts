import type { IncomingMessage } from 'node:http';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { createErrorFormatter, inputHygienePlugin, listenGraphQLHttp, observedRequestOf, unknownOperationPlugin, type RunningServer } from '@omni/graphql';
import { callerResolver } from './caller-from-request';
import type { GatewayContext } from './gateway-context';
import { gatewayOperationLimits, type GatewayLimitsOptions } from './operation-limits';
import { MANIFEST_FILE, readManifest, registeredDocuments, safelistGuard } from './persisted-operations';
import { createGatewayRateLimits, type ClientKind, type RateLimitOptions } from './rate-limits';
import { subgraphReadiness, subgraphsOf } from './readiness';
import { explorer } from './explorer/explorer';
import { nodeLookupPlugin } from './node-lookup-plugin';
import { repeatedErrorsPlugin } from './repeated-errors-plugin';
import { SignedDataSource } from './signed-data-source';
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
      new SignedDataSource(options.subgraphUrls[name as SubgraphName] ?? url ?? '', options.signingSecret, name),
  });
  const rateLimits = options.rateLimits === false ? null : createGatewayRateLimits(options.rateLimits);
  const limits = gatewayOperationLimits(options.supergraphSdl, options.operationLimits, rateLimits?.throttle);
  const operations = readManifest(options.persistedOperations?.manifestFile ?? MANIFEST_FILE);
  const registered = registeredDocuments(operations);
  const callerOf = callerResolver(options.tokenSecret, options.trustedProxyHops ?? 0);
  const production = options.production ?? process.env.NODE_ENV === 'production';
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    formatError: createErrorFormatter(),
    includeStacktraceInErrorResponses: false,
    // "Did you mean …" would enumerate the schema with introspection off.
    hideSchemaDetailsFromClientErrors: production,
    // Clients build from the committed schema.graphql; production does not describe itself.
    introspection: !production,
    plugins: [unknownOperationPlugin(), inputHygienePlugin(), limits.plugin, nodeLookupPlugin(), repeatedErrorsPlugin()],
    parseOptions: limits.parseOptions,
    // Automatic persisted queries, with the manifest's operations known from the start.
    persistedQueries: { cache: registered.apqCache },
    documentStore: registered.documentStore,
    // The entry point stops on signals (`stopOnTerminationSignals`); Apollo's handlers would re-raise
    // the signal after stopping and end the process with 143 instead of 0.
    stopOnTerminationSignals: false,
  });

  return {
    apollo,
    async listen(port: number, host = '127.0.0.1'): Promise<RunningServer> {
      const { url } = await listenGraphQLHttp(apollo, {
        port,
        host,
        service: 'gateway',
        bodyLimit: options.bodyLimit ?? '1mb',
        // GraphiQL, served from node_modules, for development only.
        guards: [...(production ? [] : [explorer()]), safelistGuard({ operations, safelistedKinds: new Set(options.persistedOperations?.safelistedKinds ?? []), callerOf }), limits.httpGuard],
        corsOrigins: options.corsOrigins,
        readiness: subgraphReadiness(subgraphsOf(options.supergraphSdl, options.subgraphUrls), options.signingSecret),
        context: async ({ req }: { req: IncomingMessage }): Promise<GatewayContext> => ({ caller: await callerOf(req), request: observedRequestOf(req) }),
      });
      return {
        url,
        async stop() {
          await apollo.stop();
          await rateLimits?.store.close();
        },
      };
    },
  };
}

export { composeSupergraph } from './compose';
export { DEFAULT_BUDGETS, type Budgets, type ClientKind, type RateLimitOptions } from './rate-limits';
export { subgraphReadiness, subgraphsOf } from './readiness';
export { SUBGRAPHS, SUPERGRAPH_FILE, type SubgraphName } from './subgraphs';
