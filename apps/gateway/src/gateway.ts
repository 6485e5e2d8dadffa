import type { IncomingMessage } from 'node:http';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { createErrorFormatter, type RunningServer } from '@omni/graphql';
import { callerFromRequest } from './caller-from-request';
import type { GatewayContext } from './gateway-context';
import { SignedDataSource } from './signed-data-source';
import type { SubgraphName } from './subgraphs';

export interface GatewayOptions {
  supergraphSdl: string;
  subgraphUrls: Record<SubgraphName, string>;
  tokenSecret: string;
  signingSecret: string;
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
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    formatError: createErrorFormatter(),
    includeStacktraceInErrorResponses: false,
  });

  return {
    apollo,
    async listen(port: number, host = '127.0.0.1'): Promise<RunningServer> {
      const { url } = await startStandaloneServer(apollo, {
        listen: { port, host },
        context: async ({ req }: { req: IncomingMessage }) => ({ caller: await callerFromRequest(req, options.tokenSecret) }),
      });
      return { url, stop: () => apollo.stop() };
    },
  };
}

export { composeSupergraph } from './compose';
export { SUBGRAPHS, SUPERGRAPH_FILE, type SubgraphName } from './subgraphs';
