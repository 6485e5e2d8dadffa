/** Sends one GraphQL operation to the gateway and answers its `data`. */
export interface GraphQLTransport {
  execute<TData>(query: string, variables: Record<string, unknown>): Promise<TData>;
}

/**
 * The request may not have arrived, or its answer was lost: sending it again is safe (every upload
 * is idempotent by `opId` or receipt id) and will be tried after a backoff.
 */
export class RetryableError extends Error {
  override readonly name = 'RetryableError';
  constructor(
    message: string,
    /** The server said when to come back (`Retry-After`), in milliseconds. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

/** The server refused the request itself (no permission, malformed): sending it again changes nothing. */
export class RequestRefusedError extends Error {
  override readonly name = 'RequestRefusedError';
  constructor(
    message: string,
    /** The GraphQL error codes (`FORBIDDEN`, `BAD_USER_INPUT` …). */
    readonly codes: string[],
  ) {
    super(message);
  }
}

export interface FetchTransportOptions {
  /** The gateway's GraphQL endpoint. */
  url: string;
  /** The till's access token, asked before every request so a refreshed one is used. */
  token: string | (() => string | Promise<string>);
  /** Gives up on one request after this long; the upload is retried. Default 10 s. */
  timeoutMs?: number;
  /** Defaults to the global `fetch` (browsers, Node 20+). */
  fetch?: typeof fetch;
}

// Answers that say the service, not the request, failed: the same upload may succeed later.
const RETRYABLE_CODES = new Set(['SERVICE_UNAVAILABLE', 'RATE_LIMITED', 'INTERNAL_SERVER_ERROR']);
const RETRYABLE_STATUSES = new Set([408, 425, 429, 500, 502, 503, 504]);

interface GraphQLBody<TData> {
  data?: TData | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

/** GraphQL over HTTP with `fetch`: network failures, timeouts and overload become `RetryableError`. */
export function createFetchTransport(options: FetchTransportOptions): GraphQLTransport {
  const doFetch = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? 10_000;
  return {
    async execute<TData>(query: string, variables: Record<string, unknown>): Promise<TData> {
      const token = typeof options.token === 'function' ? await options.token() : options.token;
      let response: Response;
      let body: GraphQLBody<TData> | undefined;
      try {
        response = await doFetch(options.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify({ query, variables }),
          signal: AbortSignal.timeout(timeoutMs),
        });
        body = (await response.json().catch(() => undefined)) as GraphQLBody<TData> | undefined;
      } catch (error) {
        throw new RetryableError(`The gateway could not be reached: ${(error as Error).message}`);
      }
      const codes = (body?.errors ?? []).map((error) => error.extensions?.code ?? 'UNKNOWN');
      if (RETRYABLE_STATUSES.has(response.status) || codes.some((code) => RETRYABLE_CODES.has(code))) {
        throw new RetryableError(`The gateway answered ${response.status} ${codes.join(', ')}`.trim(), retryAfterMs(response));
      }
      if (codes.length > 0 || !body?.data) {
        throw new RequestRefusedError(body?.errors?.map((error) => error.message).join('; ') || `The gateway answered ${response.status}`, codes);
      }
      return body.data;
    },
  };
}

function retryAfterMs(response: Response): number | undefined {
  const seconds = Number(response.headers.get('retry-after'));
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : undefined;
}
