import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { format } from 'node:url';
import type { ApolloServer, BaseContext, ContextFunction } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { expressMiddleware } from '@as-integrations/express5';
import cors from 'cors';
import express, { type ErrorRequestHandler, type RequestHandler } from 'express';
import { logger } from '@omni/observability';
import { logUnexpectedError } from './error-log-line';
import { DRAIN_GRACE_MS } from './graceful-shutdown';
import { graphqlOverHttpStatusPlugin, sendGraphQLRequestError } from './graphql-over-http';
import { healthEndpoints, type ReadinessChecks } from './health';
import { beginRequest, edgeObservabilityEnabled, metricsEndpoint, rememberObservedRequest, requestObservabilityPlugin, resumeRequest } from './request-observability';
import { SERVER_HEADERS_TIMEOUT_MS, SERVER_KEEP_ALIVE_TIMEOUT_MS } from './keep-alive';

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
}

export const DEFAULT_MAX_NESTING = 500;

export interface ListeningGraphQLHttp {
  url: string;
  httpServer: Server;
}

function sendError(res: express.Response, status: number, message: string): void {
  if (res.headersSent) return;
  res.status(status).type('application/json').send(JSON.stringify({ errors: [{ message, extensions: { code: status >= 500 ? 'INTERNAL_SERVER_ERROR' : 'BAD_USER_INPUT' } }] }));
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

/**
 * How deeply a GraphQL document nests selection sets, list and object values and argument lists
 * (`{`, `[`, `(`), outside strings and comments. Counted in one pass without recursion, and
 * stops as soon as `limit` is exceeded.
 */
export function documentNesting(source: string, limit = Infinity): number {
  let depth = 0;
  let deepest = 0;
  for (let i = 0; i < source.length; i++) {
    const char = source[i];
    if (char === '#') {
      while (i < source.length && source[i] !== '\n' && source[i] !== '\r') i++;
    } else if (char === '"') {
      if (source.startsWith('"""', i)) {
        i += 3;
        while (i < source.length && !source.startsWith('"""', i)) i += source.startsWith('\\"""', i) ? 4 : 1;
        i += 2;
      } else {
        i++;
        while (i < source.length && source[i] !== '"' && source[i] !== '\n' && source[i] !== '\r') i += source[i] === '\\' ? 2 : 1;
      }
    } else if (char === '{' || char === '[' || char === '(') {
      depth++;
      if (depth > deepest) {
        deepest = depth;
        if (deepest > limit) return deepest;
      }
    } else if ((char === '}' || char === ']' || char === ')') && depth > 0) {
      depth--;
    }
  }
  return deepest;
}

/** How deeply a JSON value nests arrays and objects (a flat object is 1), without recursion; stops past `limit`. */
export function jsonNesting(value: unknown, limit = Infinity): number {
  let deepest = 0;
  const pending: [unknown, number][] = [[value, 1]];
  while (pending.length > 0) {
    const [current, depth] = pending.pop()!;
    if (current === null || typeof current !== 'object') continue;
    if (depth > deepest) {
      deepest = depth;
      if (deepest > limit) return deepest;
    }
    for (const item of Array.isArray(current) ? current : Object.values(current)) {
      if (item !== null && typeof item === 'object') pending.push([item, depth + 1]);
    }
  }
  return deepest;
}

/**
 * Refuses deeply nested documents and variables before anything recursive sees them: graphql-js
 * parses and validates values and selections by recursion, as do the input and cost checks, so a
 * list literal nested a couple of thousand levels overflows the call stack. Real operations nest a
 * few dozen levels at most; the limit stays well above that, so that the operation limits can still
 * measure and explain a merely too deep query, and well below where parsing overflows.
 */
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
    const refuse = (message: string) => sendGraphQLRequestError(req, res, { errors: [{ message, extensions: { code: 'BAD_USER_INPUT' } }] });
    if (typeof query === 'string' && documentNesting(query, maxNesting) > maxNesting) {
      return refuse(`The document nests selections, lists or objects more than ${maxNesting} levels deep`);
    }
    if (jsonNesting(variables, maxNesting) > maxNesting) {
      return refuse(`The variables nest lists or objects more than ${maxNesting} levels deep`);
    }
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
  const httpServer = createServer(app);
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
  app.use(
    ...(observed ? [beginRequest(options.service ?? 'graphql', { implicitContext })] : []),
    metricsEndpoint,
    healthEndpoints(options.readiness ?? {}, options.logWarning ?? ((line) => logger.warn(line))),
    ...corsPolicy(options.corsOrigins),
    express.json({ limit: options.bodyLimit, strict: true }),
    ...(observed ? [resumeRequest({ implicitContext })] : []),
    requireJsonPost,
    nestingGuard(options.maxNesting ?? DEFAULT_MAX_NESTING),
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
