import type { ApolloServerPlugin } from '@apollo/server';
import type { RequestHandler } from 'express';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  createObservedRequest,
  logger,
  metricsAuthorized,
  metricsExposition,
  recordRequest,
  REQUEST_ID_HEADER,
  requestIdFrom,
  runInRequestContext,
  runInTraceContext,
  startDefaultMetrics,
  startServerSpan,
  type ObservedRequest,
  type ServerSpan,
} from '@omni/observability';

/** Paths answered before GraphQL; their requests are logged at debug (probes every few seconds). */
const ENDPOINT_PATHS = new Set(['/health', '/ready', '/metrics']);
const OPERATION_NAME = /^[_A-Za-z][_0-9A-Za-z]{0,99}$/;

interface TrackedRequest {
  context: ObservedRequest;
  span: ServerSpan | undefined;
}

const TRACKED = Symbol('observed request');
type Tracked = { [TRACKED]?: TrackedRequest };

/** The request being served, as beginRequest made it; undefined for a request it never saw. */
export function observedRequestOf(req: IncomingMessage): ObservedRequest | undefined {
  return (req as Tracked)[TRACKED]?.context;
}

/**
 * Apollo's context of each request names the request it serves (listenGraphQLHttp puts it there).
 * A property, not a map keyed by the context: Apollo hands plugins a shallow copy of the context.
 */
const OBSERVED = Symbol('observed request');
type WithObserved = { [OBSERVED]?: ObservedRequest };

export function rememberObservedRequest(contextValue: object, req: IncomingMessage): void {
  const observed = observedRequestOf(req);
  if (observed) (contextValue as WithObserved)[OBSERVED] = observed;
}

/** Errors → the request they arose in, so the line describing one names the request. */
const requestOfError = new WeakMap<object, ObservedRequest>();

/** The logger of the request an error arose in (see requestObservabilityPlugin), else the process's. */
export function loggerForError(error: unknown): typeof logger {
  for (let current = error, depth = 0; typeof current === 'object' && current !== null && depth < 6; depth += 1) {
    const observed = requestOfError.get(current);
    if (observed) return observed.log;
    current = (current as { originalError?: unknown; cause?: unknown }).originalError ?? (current as { cause?: unknown }).cause;
  }
  return logger;
}

/** The name a client gave, for the log of a request refused before Apollo resolved one. */
function requestedOperationName(body: unknown): string | undefined {
  const name = (body as { operationName?: unknown } | null | undefined)?.operationName;
  return typeof name === 'string' && OPERATION_NAME.test(name) ? name : undefined;
}

/** The path of a request without its query string (what express calls `req.path`). */
export function pathOf(req: IncomingMessage): string {
  const url = req.url ?? '/';
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

/**
 * A step of request handling on plain node:http objects; express takes it as middleware too, and
 * the direct JSON POST path (direct-json-post.ts) calls it without express.
 */
export type RequestStep = (req: IncomingMessage & { body?: unknown }, res: ServerResponse, next: () => void) => void;

/**
 * One id per request: the caller's `x-request-id` when it is a sane one, else a new one; sent back
 * in the response, on every log line written while the request is served, and forwarded to the
 * services it calls. When the response ends, one access-log line (no tokens, no variables, no
 * personal data: method, operation name, status, duration, kind of caller) and the metrics.
 */
export function beginRequest(service: string, options: { implicitContext: boolean }): RequestStep {
  startDefaultMetrics();
  const { implicitContext } = options;
  return (req, res, next) => {
    const started = performance.now();
    const path = pathOf(req);
    const method = req.method ?? 'GET';
    const context = createObservedRequest(service, requestIdFrom(req.headers[REQUEST_ID_HEADER]), logger, implicitContext);
    res.setHeader(REQUEST_ID_HEADER, context.requestId);
    const span = startServerSpan({ method, path, headers: req.headers, service });
    (req as Tracked)[TRACKED] = { context, span };
    res.once('close', () => {
      const durationMs = performance.now() - started;
      const status = res.statusCode;
      span?.end(status);
      const endpoint = ENDPOINT_PATHS.has(path);
      const operationName = context.operationName ?? requestedOperationName(req.body);
      const line = {
        service,
        requestId: context.requestId,
        method,
        ...(endpoint ? { path } : { operation: operationName ?? null }),
        status,
        durationMs: Math.round(durationMs * 10) / 10,
        ...(context.callerKind ? { caller: context.callerKind } : {}),
        ...(context.errorCodes?.length ? { errors: context.errorCodes } : {}),
        ...(res.writableFinished ? {} : { aborted: true }),
      };
      if (endpoint) {
        logger.debug(line, 'request');
        return;
      }
      logger.info(line, 'request');
      recordRequest({ service, operationName, status, durationSeconds: durationMs / 1000, errorCodes: context.errorCodes ?? [] });
    });
    if (implicitContext) runInTraceContext(span?.context, () => runInRequestContext(context, next));
    else runInTraceContext(span?.context, next);
  };
}

/**
 * Enters the request's contexts again: the body parser calls on from the socket's events, which
 * belong to no request, so what runs after it would otherwise log without the request id (with
 * the implicit context) and trace outside the request's span.
 */
export function resumeRequest(options: { implicitContext: boolean }): RequestStep {
  const { implicitContext } = options;
  return (req, _res, next) => {
    const tracked = (req as Tracked)[TRACKED];
    if (!tracked) return next();
    if (implicitContext) runInTraceContext(tracked.span?.context, () => runInRequestContext(tracked.context, next));
    else runInTraceContext(tracked.span?.context, next);
  };
}

/** `GET /metrics`: Prometheus text; with METRICS_TOKEN set, only for `Authorization: Bearer <token>`. */
export const metricsEndpoint: RequestHandler = (req, res, next) => {
  if (req.path !== '/metrics' || (req.method !== 'GET' && req.method !== 'HEAD')) return next();
  if (!metricsAuthorized(req.headers.authorization)) {
    res.status(401).set('www-authenticate', 'Bearer').type('text/plain').send('metrics need the bearer token METRICS_TOKEN\n');
    return;
  }
  metricsExposition().then(({ contentType, body }) => {
    res.status(200).set('cache-control', 'no-store').type(contentType).send(body);
  }, next);
};

/** Error codes of a response, kept for the access log and the metrics. */
export function noteErrorCodes(errors: readonly unknown[] | undefined, context: ObservedRequest | undefined): void {
  if (!context || !errors?.length) return;
  const codes = errors.map((error) => {
    const code = (error as { extensions?: { code?: unknown } } | null)?.extensions?.code;
    return typeof code === 'string' ? code : 'INTERNAL_SERVER_ERROR';
  });
  context.errorCodes = [...(context.errorCodes ?? []), ...codes];
}

/** Tells the access log what Apollo learnt: the operation it resolved, the kind of caller, the errors answered. */
export function requestObservabilityPlugin(): ApolloServerPlugin {
  return {
    async requestDidStart({ contextValue }) {
      const context = (contextValue as WithObserved | undefined)?.[OBSERVED];
      if (!context) return;
      return {
        async didResolveOperation({ operationName }) {
          if (operationName) context.operationName = operationName;
        },
        async didEncounterErrors({ errors }) {
          // The error formatter, which logs the unexpected ones, is told nothing of the request.
          for (const error of errors) requestOfError.set(error, context);
        },
        async willSendResponse({ response, contextValue }) {
          const kind = (contextValue as { caller?: { kind?: unknown } } | undefined)?.caller?.kind;
          if (typeof kind === 'string') context.callerKind = kind;
          if (response.body.kind === 'single') noteErrorCodes(response.body.singleResult.errors, context);
        },
      };
    },
  };
}

let edgeObservability = true;

/**
 * For measuring what the edge costs (`npm run bench -- --edge=off`): servers started afterwards
 * answer without request ids, access log, metrics or trace spans. Decided once per server, when
 * it starts, so requests pay no check for it.
 */
export function disableEdgeObservability(): void {
  edgeObservability = false;
}

export function edgeObservabilityEnabled(): boolean {
  return edgeObservability;
}
