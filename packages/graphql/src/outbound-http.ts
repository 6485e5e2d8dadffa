import { STATUS_CODES } from 'node:http';
import { Agent } from 'undici';
import { getOperationAST, parse } from 'graphql';
import { CLIENT_IDLE_SOCKET_TIMEOUT_MS } from './keep-alive';

/**
 * Calls from the gateway to subgraphs and between services: one connection pool per origin and
 * process whose idle sockets close before the servers' (see keep-alive.ts), and one retry when a
 * request still meets a connection the other side has just reset, as long as repeating it cannot
 * change anything.
 *
 * It speaks undici's own request API rather than WHATWG `fetch`: a GraphQL POST needs a status,
 * a few headers and the body text, not streams, Request and Response objects and their header
 * guards built for every call, which cost more CPU than the request itself on the gateway's path.
 */

/** Concurrent requests to one origin; more wait for a free connection instead of opening sockets without bound. */
export const MAX_CONNECTIONS_PER_ORIGIN = 128;

const agent = new Agent({
  keepAliveTimeout: CLIENT_IDLE_SOCKET_TIMEOUT_MS,
  // A server that announces a shorter keep-alive (`Keep-Alive: timeout=5`) is still honoured,
  // minus undici's margin; a longer announcement is capped at our own idle timeout.
  keepAliveMaxTimeout: CLIENT_IDLE_SOCKET_TIMEOUT_MS,
  connections: MAX_CONNECTIONS_PER_ORIGIN,
  // One request at a time per connection: a slow answer never holds up the ones queued behind it.
  pipelining: 1,
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

/** What a GraphQL POST sends: a JSON body as text. */
export interface GraphQLRequestInit {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
}

/** The answer, its body already read: what a GraphQL client reads of a `fetch` Response. */
export interface GraphQLFetchResponse {
  readonly url: string;
  readonly status: number;
  readonly statusText: string;
  readonly ok: boolean;
  readonly headers: { get(name: string): string | null; entries(): IterableIterator<[string, string]> };
  text(): Promise<string>;
  json(): Promise<unknown>;
}

export type GraphQLFetch = (url: string, init: GraphQLRequestInit) => Promise<GraphQLFetchResponse>;

type ReceivedHeaders = Record<string, string | string[] | undefined>;

/** A response over text already received; `json()` parses it afresh for every reader. */
export function bufferedResponse(url: string, status: number, headers: ReceivedHeaders, text: string): GraphQLFetchResponse {
  return {
    url,
    status,
    statusText: STATUS_CODES[status] ?? '',
    ok: status >= 200 && status < 300,
    headers: {
      get(name) {
        const value = headers[name.toLowerCase()];
        return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
      },
      *entries() {
        for (const [name, value] of Object.entries(headers)) {
          if (value !== undefined) yield [name, Array.isArray(value) ? value.join(', ') : value];
        }
      },
    },
    text: async () => text,
    json: async () => JSON.parse(text) as unknown,
  };
}

const targets = new Map<string, { origin: string; path: string }>();
// Our services call a handful of URLs; the bound only keeps a misconfiguration from growing the map.
const MAX_TARGETS = 256;

function targetOf(url: string): { origin: string; path: string } {
  let target = targets.get(url);
  if (!target) {
    const parsed = new URL(url);
    target = { origin: parsed.origin, path: `${parsed.pathname}${parsed.search}` };
    if (targets.size >= MAX_TARGETS) targets.clear();
    targets.set(url, target);
  }
  return target;
}

async function send(url: string, init: GraphQLRequestInit): Promise<GraphQLFetchResponse> {
  const { origin, path } = targetOf(url);
  const { statusCode, headers, body } = await agent.request({
    origin,
    path,
    method: (init.method ?? 'POST') as 'POST',
    headers: init.headers,
    body: init.body,
    signal: init.signal,
  });
  // Read at once: the connection goes back to the pool only when its body has been consumed.
  return bufferedResponse(url, statusCode, headers, await body.text());
}

/** POSTs over the shared pool, retrying a reset query once (never a mutation). */
export function createGraphQLFetch(): GraphQLFetch {
  return async (url, init) => {
    try {
      return await send(url, init);
    } catch (error) {
      if (!isConnectionReset(error) || init.signal?.aborted || !isQueryRequestBody(init.body)) throw error;
      return send(url, init);
    }
  };
}
