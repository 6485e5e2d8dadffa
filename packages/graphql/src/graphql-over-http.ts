import type { ApolloServerPlugin } from '@apollo/server';
import type { IncomingMessage, ServerResponse } from 'node:http';
import Negotiator from 'negotiator';
import { noteErrorCodes, observedRequestOf } from './request-observability';

export const GRAPHQL_RESPONSE_JSON = 'application/graphql-response+json';
const APPLICATION_JSON = 'application/json';

/**
 * The media type a response is sent as, negotiated the way Apollo Server does it: the legacy
 * `application/json` when the client does not say or likes both equally, the GraphQL-over-HTTP
 * `application/graphql-response+json` when the client prefers it.
 */
export function prefersGraphQLResponseJson(accept: string | null | undefined): boolean {
  if (!accept) return false;
  return new Negotiator({ headers: { accept } }).mediaType([APPLICATION_JSON, GRAPHQL_RESPONSE_JSON]) === GRAPHQL_RESPONSE_JSON;
}

/**
 * The status of a request error (a document that does not parse or validate, variables that do
 * not coerce, an operation over the limits) of a well-formed GraphQL-over-HTTP request. Under
 * `application/json` the client cannot tell a GraphQL response from a proxy's error page by its
 * status, so the spec wants 200 and the errors in the body; under
 * `application/graphql-response+json` it wants 4xx.
 */
export function requestErrorStatus(accept: string | null | undefined): 200 | 400 {
  return prefersGraphQLResponseJson(accept) ? 400 : 200;
}

/**
 * Apollo Server answers request errors with 400 whatever the client accepts; this sets the
 * status the GraphQL-over-HTTP spec asks for (see `requestErrorStatus`). Only responses without
 * `data` that Apollo marked 400 and that carry a document are touched: a request without a query
 * and HTTP-level refusals (a bad method, a body that is not JSON) keep their 4xx.
 */
export function graphqlOverHttpStatusPlugin(): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ request, response }) {
          if (response.http.status !== 400 || response.body.kind !== 'single') return;
          if (response.body.singleResult.data !== undefined) return;
          // Without a document the request is not GraphQL over HTTP at all: that stays a 400.
          if (typeof request.query !== 'string' || request.query.trim() === '') return;
          response.http.status = requestErrorStatus(request.http?.headers.get('accept'));
        },
      };
    },
  };
}

/** Sends a JSON text with its length; on plain node:http objects, so it serves with and without express. */
export function sendJson(res: ServerResponse, status: number, text: string, mediaType = APPLICATION_JSON): void {
  if (res.headersSent) return;
  res.statusCode = status;
  res.setHeader('content-type', `${mediaType}; charset=utf-8`);
  res.setHeader('content-length', Buffer.byteLength(text));
  res.end(text);
}

/** Sends a request error found before Apollo Server runs, with the status and type `requestErrorStatus` names. */
export function sendGraphQLRequestError(req: IncomingMessage, res: ServerResponse, body: { errors: unknown[]; extensions?: Record<string, unknown> }): void {
  if (res.headersSent) return;
  noteErrorCodes(body.errors, observedRequestOf(req));
  const graphqlResponseJson = prefersGraphQLResponseJson(req.headers.accept);
  sendJson(res, graphqlResponseJson ? 400 : 200, JSON.stringify(body), graphqlResponseJson ? GRAPHQL_RESPONSE_JSON : APPLICATION_JSON);
}
