import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { format } from 'node:url';
import type { ApolloServer, BaseContext, ContextFunction } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { expressMiddleware } from '@as-integrations/express5';
import cors from 'cors';
import express, { type ErrorRequestHandler, type RequestHandler } from 'express';
import { logger } from '@omni/observability';
import { directJsonPost } from './direct-json-post';
import { logUnexpectedError } from './error-log-line';
import { DRAIN_GRACE_MS } from './graceful-shutdown';
import { graphqlOverHttpStatusPlugin, sendGraphQLRequestError, sendJson } from './graphql-over-http';
import { healthEndpoints, type ReadinessChecks } from './health';
import { DEFAULT_MAX_NESTING, nestingViolation } from './nesting-limits';
import { beginRequest, edgeObservabilityEnabled, metricsEndpoint, rememberObservedRequest, requestObservabilityPlugin, resumeRequest, type RequestStep } from './request-observability';
import { SERVER_HEADERS_TIMEOUT_MS, SERVER_KEEP_ALIVE_TIMEOUT_MS } from './keep-alive';

export { DEFAULT_MAX_NESTING, documentNesting, jsonNesting } from './nesting-limits';

/**
 * The HTTP layer of the gateway and of every subgraph. Apollo's standalone server hands body
 * errors to a generic handler that answers with an HTML page and a stack trace outside
 * production, and keeps Node's 5 s keep-alive; here every refusal is a JSON GraphQL error without
 * internals, bodies have a size limit, and idle connections outlive our clients' pools. There is
 * no landing page: Apollo's loads its explorer from Apollo's CDN, and an API answers JSON.
 */
export interface GraphQLHttpOptions<TContext extends BaseContext> {
  port: number;
  host: string;
  /** Names the service on its log lines and metrics: `gateway`, `catalog` … */
  service?: string;
  context: ContextFunction<[{ req: IncomingMessage }], TContext>;
  /** Largest accepted request body, in bytes or as `'1mb'`. */
  bodyLimit: number | string;
  /** Checks that may answer a parsed request before Apollo Server sees it (operation limits). */
  guards?: RequestHandler[];
  /** Where failures of the HTTP layer itself go (never to the client). */
  logError?: (error: unknown) => void;
  /** Deepest nesting of brackets in a document, and of arrays and objects in its variables; 500 by default. */
  maxNesting?: number;
  /** What `/ready` checks (the database, the services called); `/health` needs nothing. */
  readiness?: ReadinessChecks;
  /** Where `/ready` reports why a dependency is unavailable. */
  logWarning?: (line: string) => void;
  /**
   * Browser origins allowed to call (CORS): `'*'` any, a list exactly those, none by default. Only
   * the public gateway answers browsers; services behind it send no CORS headers at all.
   */
  corsOrigins?: '*' | readonly string[];
  /**
   * Also enters each request into the implicit request context (AsyncLocalStorage), for code that
   * logs or calls other services without the request at hand (subgraph services). The gateway
   * passes the request explicitly and leaves it off: on Node 20 it costs every promise.
   */
  implicitRequestContext?: boolean;
  /**
   * Whether responses carry an ETag (express hashes every body for it, so a client's GET can be
   * answered 304). On by default; services behind the gateway are only ever POSTed to, where no
   * client revalidates, and leave it off.
   */
  etag?: boolean;
  /**
   * Serves plain JSON POSTs straight on node:http (direct-json-post.ts) instead of through express,
   * with the same checks, CORS headers and guards; `paths` limits it to those paths (others, such
   * as a streaming endpoint among the guards, stay with express).
   */
  directJsonPost?: boolean | { paths: readonly string[] };
}

export interface ListeningGraphQLHttp {
  url: string;
  httpServer: Server;
}

function sendError(res: express.Response, status: number, message: string): void {
  sendJson(res, status, JSON.stringify({ errors: [{ message, extensions: { code: status >= 500 ? 'INTERNAL_SERVER_ERROR' : 'BAD_USER_INPUT' } }] }));
}

/** A POST body that is not JSON is refused up front, rather than reaching Apollo without a body. */
const requireJsonPost: RequestHandler = (req, res, next) => {
  if (req.method !== 'POST' || req.is('application/json')) {
    // Apollo expects the property even when there is no body (GET).
    req.body ??= undefined;
    next();
    return;
  }
  sendError(res, 415, 'Send GraphQL requests as JSON with the header content-type: application/json');
};

/** Refuses deeply nested documents and variables before anything recursive sees them (see nesting-limits.ts). */
function nestingGuard(maxNesting: number): RequestHandler {
  return (req, res, next) => {
    let query: unknown;
    let variables: unknown;
    if (req.method === 'GET') {
      const params = req.query as Record<string, unknown>;
      query = params.query;
      if (typeof params.variables === 'string') {
        try {
          variables = JSON.parse(params.variables);
        } catch {
          // Apollo refuses variables that are not JSON.
        }
      }
    } else if (typeof req.body === 'object' && req.body !== null) {
      ({ query, variables } = req.body as { query?: unknown; variables?: unknown });
    }
    const violation = nestingViolation(query, variables, maxNesting);
    if (violation) return sendGraphQLRequestError(req, res, { errors: [{ message: violation, extensions: { code: 'BAD_USER_INPUT' } }] });
    next();
  };
}

function bodyErrorResponder(logError: (error: unknown) => void): ErrorRequestHandler {
  return (error: { type?: string; status?: number }, _req, res, _next) => {
    switch (error.type) {
      case 'entity.parse.failed':
        return sendError(res, 400, 'The request body is not a valid JSON object');
      case 'entity.too.large':
        return sendError(res, 413, 'The request body is too large');
      case 'charset.unsupported':
      case 'encoding.unsupported':
        return sendError(res, 415, 'Unsupported request body encoding; send UTF-8 JSON');
      case 'request.aborted':
        return;
      default:
        if (error.status && error.status >= 400 && error.status < 500) return sendError(res, error.status, 'Malformed request');
        logError(error);
        return sendError(res, 500, 'Internal server error');
    }
  };
}

/** No middleware at all without origins, so a browser elsewhere cannot read any response. */
function corsPolicy(origins: GraphQLHttpOptions<BaseContext>['corsOrigins']): RequestHandler[] {
  if (origins === undefined || (origins !== '*' && origins.length === 0)) return [];
  return [cors({ origin: origins === '*' ? '*' : [...origins], maxAge: 600 })];
}

export async function listenGraphQLHttp<TContext extends BaseContext>(apollo: ApolloServer<TContext>, options: GraphQLHttpOptions<TContext>): Promise<ListeningGraphQLHttp> {
  const logError = options.logError ?? logUnexpectedError;
  const app = express();
  app.disable('x-powered-by');
  if (options.etag === false) app.disable('etag');
  let direct: ((req: IncomingMessage, res: ServerResponse) => boolean) | undefined;
  const httpServer = createServer((req, res) => {
    if (direct?.(req, res)) return;
    app(req, res);
  });
  httpServer.keepAliveTimeout = SERVER_KEEP_ALIVE_TIMEOUT_MS;
  httpServer.headersTimeout = SERVER_HEADERS_TIMEOUT_MS;
  apollo.addPlugin(graphqlOverHttpStatusPlugin());
  // Switched off only to measure what it costs (the bench's --edge=off); decided once, here.
  const observed = edgeObservabilityEnabled();
  if (observed) apollo.addPlugin(requestObservabilityPlugin());
  // Lets `apollo.stop()` finish in-flight requests and close idle keep-alive connections; a request
  // still running after the grace period is cut, so the process exits before an orchestrator kills it.
  apollo.addPlugin(ApolloServerPluginDrainHttpServer({ httpServer, stopGracePeriodMillis: DRAIN_GRACE_MS }));
  // Otherwise Apollo serves an HTML page with scripts from its CDN to any browser, in production too.
  apollo.addPlugin(ApolloServerPluginLandingPageDisabled());
  await apollo.start();

  const implicitContext = options.implicitRequestContext ?? false;
  const context: ContextFunction<[{ req: IncomingMessage }], TContext> = async (args) => {
    const value = await options.context(args);
    rememberObservedRequest(value, args.req);
    return value;
  };
  const observe = observed ? { begin: beginRequest(options.service ?? 'graphql', { implicitContext }), resume: resumeRequest({ implicitContext }) } : undefined;
  const maxNesting = options.maxNesting ?? DEFAULT_MAX_NESTING;
  const cors = corsPolicy(options.corsOrigins);
  if (options.directJsonPost) {
    const paths = typeof options.directJsonPost === 'object' ? new Set(options.directJsonPost.paths) : undefined;
    // Guards and CORS are written as express middleware but use only node:http's request and response on a POST.
    const steps = (handlers: readonly RequestHandler[]) => handlers as unknown as RequestStep[];
    direct = directJsonPost(apollo, { bodyLimit: options.bodyLimit, maxNesting, context, logError, observe, paths, before: steps(cors), guards: steps(options.guards ?? []) });
  }
  app.use(
    ...(observe ? [observe.begin] : []),
    metricsEndpoint,
    healthEndpoints(options.readiness ?? {}, options.logWarning ?? ((line) => logger.warn(line))),
    ...cors,
    express.json({ limit: options.bodyLimit, strict: true }),
    ...(observe ? [observe.resume] : []),
    requireJsonPost,
    nestingGuard(maxNesting),
    ...(options.guards ?? []),
    expressMiddleware(apollo, { context }),
    bodyErrorResponder(logError),
  );

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen({ port: options.port, host: options.host }, () => resolve());
  });
  const { address, port } = httpServer.address() as AddressInfo;
  const hostname = address === '' || address === '::' ? 'localhost' : address;
  return { url: format({ protocol: 'http', hostname, port, pathname: '/' }), httpServer };
}
