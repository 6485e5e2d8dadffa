import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { RequestHandler } from 'express';
import type { DocumentNode, ExecutionArgs, ExecutionResult, FormattedExecutionResult, GraphQLError as GraphQLErrorType, GraphQLSchema } from 'graphql';
import { createHandler as createSseHandler } from 'graphql-sse/lib/use/express';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import type { Caller } from '@omni/auth';
import { documentViolations, type CheckedLimits } from '@omni/graphql';
import type { GatewayContext } from '../gateway-context';
import { graphql } from './graphql-runtime';
import { bearerExpiryOf, EXPIRED_SIGN_IN_MESSAGE, untilCredentialExpires } from './credential-expiry';
import { liveQueryOf, type LiveQuery } from './live-operations';
import type { LiveSubscriptions } from './live-subscriptions';

const { GraphQLError, parse, validate } = graphql;

/** Where the transports listen: WebSocket upgrades on the GraphQL paths, SSE on its own path. */
export const WEBSOCKET_PATHS = new Set(['/', '/graphql']);
export const SSE_PATH = '/graphql/stream';

/** A screen follows a handful of things at once; more from one connection is a runaway client. */
export const DEFAULT_MAX_SUBSCRIPTIONS_PER_CONNECTION = 25;

export interface LiveTransportOptions {
  live: LiveSubscriptions;
  /** The API schema with subscriptions; null until the gateway has loaded, or when they are off. */
  schema: () => GraphQLSchema | null;
  /** Why subscriptions are refused when `schema` is null for good (no live feed configured). */
  unavailableMessage?: string;
  /** The caller of a request, exactly as queries resolve it. */
  callerOf: (req: IncomingMessage) => Promise<Caller>;
  maxTokens: number;
  limits: CheckedLimits;
  maxSubscriptionsPerConnection?: number;
  /** False for a document this caller may not send (safelisted client kinds: registered operations only). */
  mayRun?: (caller: Caller, query: string) => boolean;
  /** Largest WebSocket message, like the HTTP body limit. */
  maxPayload: number;
}

interface LiveExecution {
  [key: string | symbol]: unknown;
  live: LiveQuery;
  context: GatewayContext;
  /** When the caller's token expires (ms since the epoch); the subscription ends then. Null: never. */
  credentialExpiresAt: number | null;
}

type Prepared = { ok: true; document: DocumentNode; execution: LiveExecution } | { ok: false; errors: readonly GraphQLErrorType[] };

const refusal = (message: string, code: string) => ({ ok: false as const, errors: [new GraphQLError(message, { extensions: { code } })] });

/**
 * What both transports check before a subscription starts: caller, document, limits, schema.
 * `request` carries the credentials the caller was resolved from (for a WebSocket, those of the
 * connection, which may be older than its token's lifetime).
 */
async function prepare(options: LiveTransportOptions, request: IncomingMessage, callerOf: () => Promise<Caller>, params: { query?: unknown; variables?: unknown; operationName?: unknown }): Promise<Prepared> {
  const schema = options.schema();
  if (!schema) return refusal(options.unavailableMessage ?? 'Live updates are not available yet; retry shortly', 'SERVICE_UNAVAILABLE');
  let caller: Caller;
  try {
    caller = await callerOf();
  } catch (error) {
    // Made by another copy of graphql-js (see graphql-runtime), so recognised by shape.
    if (error instanceof Error && 'extensions' in error) {
      return { ok: false, errors: [new GraphQLError(error.message, { extensions: { code: (error as GraphQLErrorType).extensions.code } })] };
    }
    throw error;
  }
  const credentialExpiresAt = bearerExpiryOf(request);
  if (credentialExpiresAt !== null && credentialExpiresAt <= Date.now()) return refusal(EXPIRED_SIGN_IN_MESSAGE, 'UNAUTHENTICATED');
  if (typeof params.query !== 'string' || params.query.trim() === '') return refusal('Send the subscription document as `query`', 'BAD_USER_INPUT');
  if (params.variables != null && (typeof params.variables !== 'object' || Array.isArray(params.variables))) return refusal('`variables` must be an object', 'BAD_USER_INPUT');
  if (params.operationName != null && typeof params.operationName !== 'string') return refusal('`operationName` must be a string', 'BAD_USER_INPUT');
  if (options.mayRun && !options.mayRun(caller, params.query)) {
    return refusal('This client may only run registered operations: send the registered text of the subscription', 'FORBIDDEN');
  }
  let document: DocumentNode;
  try {
    document = parse(params.query, { maxTokens: options.maxTokens, noLocation: true });
  } catch (error) {
    return refusal(error instanceof Error ? error.message : 'The document is not valid GraphQL', 'BAD_USER_INPUT');
  }
  const violations = documentViolations(document, options.limits);
  if (violations.length > 0) return refusal(violations.join(' '), 'BAD_USER_INPUT');
  const invalid = validate(schema, document);
  if (invalid.length > 0) return { ok: false, errors: invalid.map((error) => new GraphQLError(error.message, { extensions: { code: 'BAD_USER_INPUT' } })) };
  const live = liveQueryOf(schema, document, params.operationName as string | undefined, params.variables as Record<string, unknown> | undefined);
  if (Array.isArray(live)) return { ok: false, errors: live as readonly GraphQLErrorType[] };
  return { ok: true, document, execution: { live: live as LiveQuery, context: { caller }, credentialExpiresAt } };
}

/** Headers a WebSocket client may send in `connectionParams`, where browsers cannot set real ones. */
const CONNECTION_PARAM_HEADERS = ['authorization', 'x-omni-channel'];

/**
 * The upgrade request with the credentials of `connectionParams` in place of its headers: the
 * caller is then resolved by exactly the code that resolves it for queries.
 */
function connectionRequest(request: IncomingMessage, connectionParams: Readonly<Record<string, unknown>> | undefined): IncomingMessage {
  const headers = { ...request.headers };
  for (const [name, value] of Object.entries(connectionParams ?? {})) {
    const header = name.toLowerCase();
    if (CONNECTION_PARAM_HEADERS.includes(header) && typeof value === 'string') headers[header] = value;
  }
  return Object.assign(Object.create(request) as IncomingMessage, { headers });
}

/**
 * graphql-ws on the gateway's HTTP server. Every subscription is counted against its connection;
 * the caller is resolved once per connection, when it is acknowledged.
 */
export function attachWebSocketSubscriptions(httpServer: Server, options: LiveTransportOptions): { close(): Promise<void> } {
  const maxPerConnection = options.maxSubscriptionsPerConnection ?? DEFAULT_MAX_SUBSCRIPTIONS_PER_CONNECTION;
  const sockets = new WebSocketServer({ noServer: true, maxPayload: options.maxPayload });
  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = new URL(request.url ?? '/', 'http://gateway').pathname;
    if (!WEBSOCKET_PATHS.has(path)) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    sockets.handleUpgrade(request, socket, head, (ws) => sockets.emit('connection', ws, request));
  };
  httpServer.on('upgrade', onUpgrade);

  const callers = new WeakMap<object, { request: IncomingMessage; caller: Promise<Caller> }>();
  const active = new WeakMap<object, number>();
  const server = useServer<Record<string, unknown> | undefined, { request: IncomingMessage }>(
    {
      schema: () => options.schema() ?? undefined!,
      onConnect(ctx) {
        const request = connectionRequest(ctx.extra.request, ctx.connectionParams);
        const caller = options.callerOf(request);
        // Refusals are reported per subscription, with their reason; here only kept.
        caller.catch(() => {});
        callers.set(ctx, { request, caller });
        return true;
      },
      async onSubscribe(ctx, _id, payload) {
        // Counted before anything is awaited, so a burst of subscribes cannot slip past the bound.
        const count = active.get(ctx) ?? 0;
        if (count >= maxPerConnection) {
          return [new GraphQLError(`At most ${maxPerConnection} subscriptions per connection; complete one first`, { extensions: { code: 'RATE_LIMITED' } })];
        }
        active.set(ctx, count + 1);
        const release = () => active.set(ctx, Math.max(0, (active.get(ctx) ?? 1) - 1));
        const connection = callers.get(ctx) ?? { request: ctx.extra.request, caller: options.callerOf(ctx.extra.request) };
        const prepared = await prepare(options, connection.request, () => connection.caller, payload).catch((error: unknown) => {
          release();
          throw error;
        });
        if (!prepared.ok) {
          release();
          return prepared.errors;
        }
        return { schema: options.schema()!, document: prepared.document, contextValue: { ...prepared.execution, release }, variableValues: payload.variables ?? {}, operationName: payload.operationName ?? undefined };
      },
      // Results come formatted (masked) by the gateway already; sent as they are.
      onNext: (_ctx, _id, _payload, _args, result) => result as FormattedExecutionResult,
      subscribe: (args: ExecutionArgs) => {
        const { live, context, credentialExpiresAt, release } = args.contextValue as LiveExecution & { release: () => void };
        return countedUntilEnd(untilCredentialExpires(options.live.follow(live, context) as AsyncIterableIterator<ExecutionResult>, credentialExpiresAt), release);
      },
    },
    sockets,
  );
  return {
    async close() {
      httpServer.off('upgrade', onUpgrade);
      for (const socket of sockets.clients) socket.close(1001, 'The gateway is stopping');
      await server.dispose();
    },
  };
}

/** The same results, calling `release` once when they end however they end. */
function countedUntilEnd<T>(results: AsyncIterableIterator<T>, release: () => void): AsyncIterableIterator<T> {
  let released = false;
  const once = () => {
    if (!released) {
      released = true;
      release();
    }
  };
  return {
    async next() {
      const result = await results.next();
      if (result.done) once();
      return result;
    },
    async return() {
      once();
      return (await results.return?.()) ?? { value: undefined, done: true };
    },
    async throw(error) {
      once();
      return (await results.throw?.(error)) ?? { value: undefined, done: true };
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}

/**
 * GraphQL over SSE (distinct connections: one stream per subscription), for clients that cannot
 * open WebSockets. The caller comes from the request headers, as for queries.
 */
export function sseSubscriptions(options: LiveTransportOptions): RequestHandler {
  const handler = createSseHandler<LiveExecution>({
    schema: () => options.schema() ?? undefined!,
    async onSubscribe(req, params) {
      const prepared = await prepare(options, req.raw, () => options.callerOf(req.raw), params);
      // With `data` (null) graphql-sse sends it as the stream's one result rather than taking it for arguments.
      if (!prepared.ok) return { data: null, errors: prepared.errors };
      return { schema: options.schema()!, document: prepared.document, contextValue: prepared.execution, variableValues: params.variables ?? {}, operationName: params.operationName ?? undefined };
    },
    subscribe: (args) => untilCredentialExpires(options.live.follow(args.contextValue.live, args.contextValue.context) as AsyncIterableIterator<ExecutionResult>, args.contextValue.credentialExpiresAt),
  });
  return (req, res, next) => {
    if (req.path !== SSE_PATH) return next();
    handler(req, res).catch(next);
  };
}
