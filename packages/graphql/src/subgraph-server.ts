import type { IncomingMessage } from 'node:http';
import { ApolloServer, type ContextFunction } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { startStandaloneServer } from '@apollo/server/standalone';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import type { DocumentNode } from 'graphql';
import { CALLER_CONTEXT_HEADER, verifyCallerContext, type VerifiedCallerContext } from '@omni/auth';
import { createErrorFormatter, unauthenticated } from './errors';

export interface SubgraphServerOptions<TContext extends object> {
  name: string;
  typeDefs: DocumentNode;
  resolvers: GraphQLResolverMap<TContext>;
  /** Shared secret the gateway (and sibling services) sign the caller context with. */
  signingSecret: string;
  /** Builds the per-request context: caller, database, fresh DataLoaders. */
  createContext(verified: VerifiedCallerContext): TContext | Promise<TContext>;
  logErrors?: (error: unknown) => void;
}

export interface RunningServer {
  url: string;
  stop(): Promise<void>;
}

export interface SubgraphServer {
  name: string;
  apollo: ApolloServer<object>;
  listen(port: number, host?: string): Promise<RunningServer>;
}

function headerValue(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * One federated subgraph over HTTP. Every request must carry a caller context signed by the
 * gateway or a sibling service; anything else is refused before a resolver runs.
 */
export function createSubgraphServer<TContext extends object>(options: SubgraphServerOptions<TContext>): SubgraphServer {
  const apollo = new ApolloServer<TContext>({
    schema: buildSubgraphSchema([{ typeDefs: options.typeDefs, resolvers: options.resolvers }]),
    formatError: createErrorFormatter(options.logErrors),
    includeStacktraceInErrorResponses: false,
    introspection: true,
    // Traces are for Apollo's hosted studio; computing them costs every request.
    plugins: [ApolloServerPluginInlineTraceDisabled()],
  });

  const context: ContextFunction<[{ req: IncomingMessage }], TContext> = async ({ req }) => {
    let verified: VerifiedCallerContext;
    try {
      verified = await verifyCallerContext(options.signingSecret, headerValue(req, CALLER_CONTEXT_HEADER));
    } catch (error) {
      throw unauthenticated(error instanceof Error ? error.message : 'Invalid gateway signature');
    }
    return options.createContext(verified);
  };

  return {
    name: options.name,
    apollo: apollo as unknown as ApolloServer<object>,
    async listen(port, host = '127.0.0.1') {
      const { url } = await startStandaloneServer(apollo, { listen: { port, host }, context });
      return { url, stop: () => apollo.stop() };
    },
  };
}
