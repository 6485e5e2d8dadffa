import type { IncomingMessage } from 'node:http';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { createErrorFormatter, inputHygienePlugin, listenGraphQLHttp, unknownOperationPlugin, type RunningServer } from '@omni/graphql';
import { callerFromRequest } from './caller-from-request';
import type { GatewayContext } from './gateway-context';
import { gatewayOperationLimits, type GatewayLimitsOptions } from './operation-limits';
import { subgraphReadiness, subgraphsOf } from './readiness';
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
      new SignedDataSource(options.subgraphUrls[name as SubgraphName] ?? url ?? '', options.signingSecret),
  });
  const limits = gatewayOperationLimits(options.supergraphSdl, options.operationLimits);
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    formatError: createErrorFormatter(),
    includeStacktraceInErrorResponses: false,
    // "Did you mean …" would enumerate the schema with introspection off.
    hideSchemaDetailsFromClientErrors: options.production ?? process.env.NODE_ENV === 'production',
    plugins: [unknownOperationPlugin(), inputHygienePlugin(), limits.plugin],
    parseOptions: limits.parseOptions,
  });

  return {
    apollo,
    async listen(port: number, host = '127.0.0.1'): Promise<RunningServer> {
      const { url } = await listenGraphQLHttp(apollo, {
        port,
        host,
        bodyLimit: options.bodyLimit ?? '1mb',
        guards: [limits.httpGuard],
        corsOrigins: options.corsOrigins,
        readiness: subgraphReadiness(subgraphsOf(options.supergraphSdl, options.subgraphUrls), options.signingSecret),
        context: async ({ req }: { req: IncomingMessage }) => ({ caller: await callerFromRequest(req, options.tokenSecret) }),
      });
      return { url, stop: () => apollo.stop() };
    },
  };
}

export { composeSupergraph } from './compose';
export { subgraphReadiness, subgraphsOf } from './readiness';
export { SUBGRAPHS, SUPERGRAPH_FILE, type SubgraphName } from './subgraphs';
