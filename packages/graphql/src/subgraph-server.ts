import type { IncomingMessage } from 'node:http';
import { ApolloServer, type ContextFunction } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import type { DocumentNode } from 'graphql';
import type { VerifiedCallerContext } from '@omni/auth';
import { logger } from '@omni/observability';
import { createCallerSignature } from './caller-signature';
import { createErrorFormatter } from './errors';
import type { ReadinessChecks } from './health';
import { listenGraphQLHttp } from './http-server';
import { unknownOperationPlugin } from './unknown-operation';
import { inputHygienePlugin } from './input-hygiene';
import { subgraphOperationGuard, type SubgraphOperationLimits } from './operation-limits/subgraph-operation-guard';

export interface SubgraphServerOptions<TContext extends object> {
  name: string;
  typeDefs: DocumentNode;
  resolvers: GraphQLResolverMap<TContext>;
  /** Shared secret the gateway (and sibling services) sign the caller context with. */
  signingSecret: string;
  /** Builds the per-request context: caller, database, fresh DataLoaders. */
  createContext(verified: VerifiedCallerContext): TContext | Promise<TContext>;
  logErrors?: (error: unknown) => void;
  /** Operator warnings, e.g. callers signing with another secret; one line each. */
  logWarning?: (line: string) => void;
  /** Largest request body; event batches from sibling services are the biggest. 4 MB by default. */
  bodyLimit?: number | string;
  /** Depth and cost this subgraph serves even to signed callers; headroom over the gateway's by default. */
  operationLimits?: Partial<SubgraphOperationLimits>;
}

export interface RunningServer {
  url: string;
  stop(): Promise<void>;
}

export interface SubgraphServer {
  name: string;
  apollo: ApolloServer<object>;
  /** `readiness`: what `/ready` checks, e.g. the database; nothing when left out. */
  listen(port: number, host?: string, options?: { readiness?: ReadinessChecks }): Promise<RunningServer>;
}

/**
 * One federated subgraph over HTTP. Every request must carry a caller context signed by the
 * gateway or a sibling service for that very operation; anything else is refused before a
 * resolver runs.
 */
export function createSubgraphServer<TContext extends object>(options: SubgraphServerOptions<TContext>): SubgraphServer {
  const guard = subgraphOperationGuard<TContext>(options.typeDefs, options.operationLimits);
  const signature = createCallerSignature<TContext>({
    subgraph: options.name,
    signingSecret: options.signingSecret,
    warn: options.logWarning ?? ((line) => logger.warn(line)),
  });
  const apollo = new ApolloServer<TContext>({
    schema: buildSubgraphSchema([{ typeDefs: options.typeDefs, resolvers: options.resolvers }]),
    formatError: createErrorFormatter(options.logErrors),
    includeStacktraceInErrorResponses: false,
    introspection: true,
    // Only the gateway and sibling services call a subgraph; still, no "Did you mean …" in production.
    hideSchemaDetailsFromClientErrors: process.env.NODE_ENV === 'production',
    // Traces are for Apollo's hosted studio; computing them costs every request.
    plugins: [signature.plugin, unknownOperationPlugin(), ApolloServerPluginInlineTraceDisabled(), inputHygienePlugin(), guard.plugin],
    parseOptions: guard.parseOptions,
    // Apollo's own handlers re-raise the signal after stopping, which ends the process with 143
    // (or, as PID 1 in a container, not at all); `stopOnTerminationSignals` in the entry points owns it.
    stopOnTerminationSignals: false,
  });

  const context: ContextFunction<[{ req: IncomingMessage }], TContext> = async ({ req }) => {
    const verified = await signature.verify(req);
    return signature.remember(await options.createContext(verified), verified);
  };

  return {
    name: options.name,
    apollo: apollo as unknown as ApolloServer<object>,
    async listen(port, host = '127.0.0.1', listenOptions = {}) {
      const { url } = await listenGraphQLHttp(apollo, {
        port,
        host,
        service: options.name,
        context,
        bodyLimit: options.bodyLimit ?? '4mb',
        logError: options.logErrors,
        logWarning: options.logWarning,
        readiness: listenOptions.readiness,
        // Services log and call siblings deep below the resolvers, without the request at hand.
        implicitRequestContext: true,
      });
      return { url, stop: () => apollo.stop() };
    },
  };
}
