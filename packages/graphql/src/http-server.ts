import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { format } from 'node:url';
import type { ApolloServer, BaseContext, ContextFunction } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { expressMiddleware } from '@as-integrations/express5';
import cors from 'cors';
import express, { type ErrorRequestHandler, type RequestHandler } from 'express';
import { logUnexpectedError } from './error-log-line';
import { SERVER_HEADERS_TIMEOUT_MS, SERVER_KEEP_ALIVE_TIMEOUT_MS } from './keep-alive';

/**
 * The HTTP layer of the gateway and of every subgraph. Apollo's standalone server hands body
 * errors to a generic handler that answers with an HTML page and a stack trace outside
 * production, and keeps Node's 5 s keep-alive; here every refusal is a JSON GraphQL error without
 * internals, bodies have a size limit, and idle connections outlive our clients' pools.
 */
export interface GraphQLHttpOptions<TContext extends BaseContext> {
  port: number;
  host: string;
  context: ContextFunction<[{ req: IncomingMessage }], TContext>;
  /** Largest accepted request body, in bytes or as `'1mb'`. */
  bodyLimit: number | string;
  /** Checks that may answer a parsed request before Apollo Server sees it (operation limits). */
  guards?: RequestHandler[];
  /** Where failures of the HTTP layer itself go (never to the client). */
  logError?: (error: unknown) => void;
}

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

export async function listenGraphQLHttp<TContext extends BaseContext>(apollo: ApolloServer<TContext>, options: GraphQLHttpOptions<TContext>): Promise<ListeningGraphQLHttp> {
  const logError = options.logError ?? logUnexpectedError;
  const app = express();
  app.disable('x-powered-by');
  const httpServer = createServer(app);
  httpServer.keepAliveTimeout = SERVER_KEEP_ALIVE_TIMEOUT_MS;
  httpServer.headersTimeout = SERVER_HEADERS_TIMEOUT_MS;
  // Lets `apollo.stop()` finish in-flight requests and close idle keep-alive connections.
  apollo.addPlugin(ApolloServerPluginDrainHttpServer({ httpServer }));
  await apollo.start();

  app.use(
    cors(),
    express.json({ limit: options.bodyLimit, strict: true }),
    requireJsonPost,
    ...(options.guards ?? []),
    expressMiddleware(apollo, { context: options.context }),
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
