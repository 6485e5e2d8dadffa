import { Agent, fetch as undiciFetch, type RequestInit, type Response } from 'undici';
import { getOperationAST, parse } from 'graphql';
import { CLIENT_IDLE_SOCKET_TIMEOUT_MS } from './keep-alive';

/**
 * Calls from the gateway to subgraphs and between services: one connection pool per process whose
 * idle sockets close before the servers' (see keep-alive.ts), and one retry when a request still
 * meets a connection the other side has just reset, as long as repeating it cannot change anything.
 */
const agent = new Agent({
  keepAliveTimeout: CLIENT_IDLE_SOCKET_TIMEOUT_MS,
  // A server that announces a shorter keep-alive (`Keep-Alive: timeout=5`) is still honoured,
  // minus undici's margin; a longer announcement is capped at our own idle timeout.
  keepAliveMaxTimeout: CLIENT_IDLE_SOCKET_TIMEOUT_MS,
});

const RESET_CODES = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET']);

/** A pooled socket that the peer closed under us: the request may never have been read. */
export function isConnectionReset(error: unknown): boolean {
  for (let current = error, depth = 0; current && depth < 5; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && RESET_CODES.has(code)) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

/** True when the GraphQL request in a JSON body is a query, i.e. safe to send twice. */
export function isQueryRequestBody(body: unknown): boolean {
  if (typeof body !== 'string') return false;
  try {
    const { query, operationName } = JSON.parse(body) as { query?: unknown; operationName?: unknown };
    if (typeof query !== 'string') return false;
    const operation = getOperationAST(parse(query), typeof operationName === 'string' ? operationName : undefined);
    return operation?.operation === 'query';
  } catch {
    return false;
  }
}

export type GraphQLFetch = (url: string, init: RequestInit) => Promise<Response>;

/** `fetch` over the shared pool for GraphQL POSTs, retrying a reset query once (never a mutation). */
export function createGraphQLFetch(): GraphQLFetch {
  return async (url, init) => {
    const send = () => undiciFetch(url, { ...init, dispatcher: agent });
    try {
      return await send();
    } catch (error) {
      if (!isConnectionReset(error) || init.signal?.aborted || !isQueryRequestBody(init.body)) throw error;
      return send();
    }
  };
}
