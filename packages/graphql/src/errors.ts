import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { logUnexpectedError } from './error-log-line';

/**
 * The only codes a client ever sees on a GraphQL error. Anything else is masked as
 * INTERNAL_SERVER_ERROR so stack traces and SQL never leak.
 */
export const ERROR_CODES = [
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'BAD_USER_INPUT',
  'CONFLICT',
  'RATE_LIMITED',
  'SERVICE_UNAVAILABLE',
  'INTERNAL_SERVER_ERROR',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

const HTTP_STATUS: Partial<Record<ErrorCode, number>> = { UNAUTHENTICATED: 401, RATE_LIMITED: 429 };

export function apiError(code: ErrorCode, message: string): GraphQLError {
  const status = HTTP_STATUS[code];
  return new GraphQLError(message, { extensions: { code, ...(status ? { http: { status } } : {}) } });
}

export const unauthenticated = (message = 'Authentication required') => apiError('UNAUTHENTICATED', message);
export const forbidden = (message = 'Not allowed') => apiError('FORBIDDEN', message);
export const notFound = (message = 'Not found') => apiError('NOT_FOUND', message);
export const badUserInput = (message: string) => apiError('BAD_USER_INPUT', message);

/**
 * A service behind the gateway did not answer. The client is told which one, so it can say "the
 * cart is unavailable, try again" instead of a generic failure, and can keep what other services
 * answered in the same response; the cause goes to the operator's log only.
 */
export function serviceUnavailable(service: string): GraphQLError {
  return new GraphQLError(`The ${service} service is unavailable right now; try again shortly`, { extensions: { code: 'SERVICE_UNAVAILABLE', service } });
}

/** Codes graphql-js and Apollo attach to malformed requests; they are the client's fault. */
const CLIENT_REQUEST_CODES = new Set(['GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'BAD_REQUEST', 'PERSISTED_QUERY_NOT_FOUND', 'OPERATION_RESOLUTION_FAILURE']);

function isKnownCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && (ERROR_CODES as readonly string[]).includes(code);
}

/**
 * Apollo refuses some requests (an unsupported persisted-query version, a persisted-query hash that
 * does not match the query) with an error that has no code at all, only the 4xx HTTP status it is
 * answered with; the code INTERNAL_SERVER_ERROR is filled in later, when the error is formatted.
 * Such an error is the client's mistake. Checked on the error as raised, by shape rather than
 * class, since Apollo's packages and ours may load different copies of graphql-js.
 */
function isUncodedClientError(error: unknown): boolean {
  const extensions = (error as { extensions?: { code?: unknown; http?: { status?: unknown } } } | null)?.extensions;
  const status = extensions?.http?.status;
  return extensions?.code === undefined && typeof status === 'number' && status >= 400 && status < 500;
}

/**
 * Apollo Server `formatError` for gateway and subgraphs: known codes pass through, request
 * mistakes become BAD_USER_INPUT, everything else is logged and replaced by a generic message.
 */
export function createErrorFormatter(log: (error: unknown) => void = logUnexpectedError) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const code = formatted.extensions?.code;
    const base = { message: formatted.message, locations: formatted.locations, path: formatted.path };
    if (isKnownCode(code) && code !== 'INTERNAL_SERVER_ERROR') {
      // A refused operation tells the client what it would have cost, so it can ask for less.
      const cost = formatted.extensions?.cost;
      if (code === 'SERVICE_UNAVAILABLE') return { ...base, extensions: { code, service: formatted.extensions?.service } };
      return { ...base, extensions: cost === undefined ? { code } : { code, cost } };
    }
    if ((typeof code === 'string' && CLIENT_REQUEST_CODES.has(code)) || isUncodedClientError(error)) {
      return { ...base, extensions: { code: 'BAD_USER_INPUT' } };
    }
    log(error);
    return { message: 'Internal server error', path: formatted.path, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
  };
}
