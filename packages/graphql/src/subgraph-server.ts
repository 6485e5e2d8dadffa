import type { IncomingMessage } from 'node:http';
import { ApolloServer, type ContextFunction } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { visit, BREAK, type DocumentNode } from 'graphql';
import type { VerifiedCallerContext } from '@omni/auth';
import { loadExecutionEnv } from '@omni/config';
import { logger } from '@omni/observability';
import { createCallerSignature } from './caller-signature';
import { compiledExecutionGateway } from './compiled-execution';
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
  /**
   * Whether requests also run in the implicit request context (see `listenGraphQLHttp`), so that
   * service clients forward the request id and deep log lines name the request. On by default;
   * a subgraph that calls no sibling and logs nothing below its resolvers while serving a request
   * turns it off, since on Node 20 it costs a hook on every promise.
   */
  implicitRequestContext?: boolean;
  /** The use of the same query at which it is compiled; GRAPHQL_COMPILE_AT_USE by default. */
  compileAtUse?: number;
}

/** True when the SDL puts `@cacheControl` hints on a type or field. */
function declaresCacheHints(typeDefs: DocumentNode): boolean {
  let found = false;
  visit(typeDefs, {
    Directive(node) {
      if (node.name.value !== 'cacheControl') return undefined;
      found = true;
      return BREAK;
    },
  });
  return found;
}

export interface RunningServer {
  url: string;
  stop(): Promise<void>;
}

export interface SubgraphServer {
  name: string;
  apollo: ApolloServer<object>;
  /**
   * `readiness`: what `/ready` checks, e.g. the database; nothing when left out.
   * `acceptUnboundCallerHeaders`: the bench's peers (BENCH_UNBOUND_CALLER_HEADERS), never production.
   */
  listen(port: number, host?: string, options?: { readiness?: ReadinessChecks; acceptUnboundCallerHeaders?: boolean }): Promise<RunningServer>;
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
    // Repeated queries run compiled; everything else about the request stays Apollo Server's.
    gateway: compiledExecutionGateway(buildSubgraphSchema([{ typeDefs: options.typeDefs, resolvers: options.resolvers }]), {
      compileAtUse: options.compileAtUse ?? loadExecutionEnv().compileAtUse,
    }),
    formatError: createErrorFormatter(options.logErrors),
    includeStacktraceInErrorResponses: false,
    introspection: true,
    // Only the gateway and sibling services call a subgraph; still, no "Did you mean …" in production.
    hideSchemaDetailsFromClientErrors: process.env.NODE_ENV === 'production',
    // Traces are for Apollo's hosted studio; computing them costs every request. Apollo's cache
    // control plugin wraps every field resolver of every request; without `@cacheControl` hints in
    // the SDL it only ever answers `no-store`, which the gateway also reads from no header at all.
    plugins: [
      signature.plugin,
      unknownOperationPlugin(),
      ApolloServerPluginInlineTraceDisabled(),
      ...(declaresCacheHints(options.typeDefs) ? [] : [ApolloServerPluginCacheControlDisabled()]),
      inputHygienePlugin(),
      guard.plugin,
    ],
    parseOptions: guard.parseOptions,
    // Apollo's own handlers re-raise the signal after stopping, which ends the process with 143
    // (or, as PID 1 in a container, not at all); `stopOnTerminationSignals` in the entry points owns it.
    stopOnTerminationSignals: false,
  });

  let acceptUnbound = false;
  const context: ContextFunction<[{ req: IncomingMessage }], TContext> = async ({ req }) => {
    const verified = await signature.verify(req, { acceptUnbound });
    return signature.remember(await options.createContext(verified), verified);
  };

  return {
    name: options.name,
    apollo: apollo as unknown as ApolloServer<object>,
    async listen(port, host = '127.0.0.1', listenOptions = {}) {
      acceptUnbound = listenOptions.acceptUnboundCallerHeaders ?? false;
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
        implicitRequestContext: options.implicitRequestContext ?? true,
        // Only the gateway and sibling services call, by POST: nobody revalidates with If-None-Match.
        etag: false,
        // No guards, no CORS: the gateway's and siblings' JSON POSTs skip express.
        directJsonPost: true,
      });
      return { url, stop: () => apollo.stop() };
    },
  };
}
