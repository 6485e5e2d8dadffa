import { signCallerContext, CALLER_CONTEXT_HEADER, SCOPES_BY_KIND, type Caller, type Channel } from '@omni/auth';
import { currentRequestId, injectTraceHeaders, REQUEST_ID_HEADER } from '@omni/observability';
import { createGraphQLFetch } from './outbound-http';

/**
 * Calls another subgraph's internal operations directly (not through the gateway), signed as
 * this service and for each operation with its variables. Used for writes that must happen together, e.g. checkout
 * reserving stock.
 */
export interface ServiceClient {
  request<TData>(query: string, variables?: Record<string, unknown>, channel?: Channel): Promise<TData>;
}

export class ServiceCallError extends Error {
  override name = 'ServiceCallError';
}

export function createServiceClient(options: {
  service: string;
  /** Resolved lazily so services can be wired before their siblings have picked ports. */
  url: string | (() => string);
  signingSecret: string;
  timeoutMs?: number;
}): ServiceClient {
  // Queries that meet a reset connection are sent once more; mutations are left to the caller.
  const fetchGraphQL = createGraphQLFetch();
  return {
    async request<TData>(query: string, variables: Record<string, unknown> = {}, channel: Channel = 'WEB') {
      const caller: Caller = { kind: 'service', service: options.service, channel, scopes: [...SCOPES_BY_KIND.service] };
      const url = typeof options.url === 'function' ? options.url() : options.url;
      const headers: Record<string, string> = {
        'content-type': 'application/json',
        [CALLER_CONTEXT_HEADER]: await signCallerContext(options.signingSecret, { caller, query, variables, issuer: options.service }),
      };
      // The request this call serves keeps its id and its trace in the service called.
      const requestId = currentRequestId();
      if (requestId) headers[REQUEST_ID_HEADER] = requestId;
      injectTraceHeaders((name, value) => (headers[name] = value));
      const response = await fetchGraphQL(url, {
        method: 'POST',
        headers,
        body: JSON.stringify({ query, variables }),
        signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
      });
      const body = (await response.json()) as { data?: TData; errors?: { message: string }[] };
      if (body.errors?.length || !body.data) {
        throw new ServiceCallError(`Call from ${options.service} failed: ${body.errors?.map((e) => e.message).join('; ') ?? response.status}`);
      }
      return body.data;
    },
  };
}
