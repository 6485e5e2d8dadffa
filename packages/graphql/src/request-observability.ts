import type { ApolloServerPlugin } from '@apollo/server';
import type { RequestHandler } from 'express';
import {
  currentRequestContext,
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
  type RequestContext,
  type ServerSpan,
} from '@omni/observability';

/** Paths answered before GraphQL; their requests are logged at debug (probes every few seconds). */
const ENDPOINT_PATHS = new Set(['/health', '/ready', '/metrics']);
const OPERATION_NAME = /^[_A-Za-z][_0-9A-Za-z]{0,99}$/;

interface TrackedRequest {
  context: RequestContext;
  span: ServerSpan | undefined;
}

const TRACKED = Symbol('observed request');
type Tracked = { [TRACKED]?: TrackedRequest };

/** The name a client gave, for the log of a request refused before Apollo resolved one. */
function requestedOperationName(body: unknown): string | undefined {
  const name = (body as { operationName?: unknown } | null | undefined)?.operationName;
  return typeof name === 'string' && OPERATION_NAME.test(name) ? name : undefined;
}

/**
 * One id per request: the caller's `x-request-id` when it is a sane one, else a new one; sent back
 * in the response, on every log line written while the request is served, and forwarded to the
 * services it calls. When the response ends, one access-log line (no tokens, no variables, no
 * personal data: method, operation name, status, duration, kind of caller) and the metrics.
 */
export function beginRequest(service: string): RequestHandler {
  startDefaultMetrics();
  return (req, res, next) => {
    const started = performance.now();
    const context: RequestContext = { requestId: requestIdFrom(req.headers[REQUEST_ID_HEADER]), service };
    res.setHeader(REQUEST_ID_HEADER, context.requestId);
    const span = startServerSpan({ method: req.method, path: req.path, headers: req.headers, service });
    (req as Tracked)[TRACKED] = { context, span };
    res.once('close', () => {
      const durationMs = performance.now() - started;
      const status = res.statusCode;
      span?.end(status);
      const endpoint = ENDPOINT_PATHS.has(req.path);
      const operationName = context.operationName ?? requestedOperationName(req.body);
      const line = {
        service,
        requestId: context.requestId,
        method: req.method,
        ...(endpoint ? { path: req.path } : { operation: operationName ?? null }),
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
    runInTraceContext(span?.context, () => runInRequestContext(context, next));
  };
}

/**
 * Enters the request's context again: the body parser calls on from the socket's events, which
 * belong to no request, so what runs after it would otherwise log without the request id.
 */
export const resumeRequest: RequestHandler = (req, _res, next) => {
  const tracked = (req as Tracked)[TRACKED];
  if (!tracked) return next();
  runInTraceContext(tracked.span?.context, () => runInRequestContext(tracked.context, next));
};

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
export function noteErrorCodes(errors: readonly unknown[] | undefined, context = currentRequestContext()): void {
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
    async requestDidStart() {
      const context = currentRequestContext();
      if (!context) return;
      return {
        async didResolveOperation({ operationName }) {
          if (operationName) context.operationName = operationName;
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
