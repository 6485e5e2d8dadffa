import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { CALLER_CONTEXT_HEADER, signCallerContext } from '@omni/auth';
import { createGraphQLFetch, describeErrorChain, serviceUnavailable, type GraphQLFetch } from '@omni/graphql';
import { injectTraceHeaders, logger, recordSubgraphFetch, REQUEST_ID_HEADER } from '@omni/observability';
import type { GatewayContext } from './gateway-context';

/**
 * Times every fetch for the metrics, and names the subgraph that did not answer in one log line;
 * the client gets SERVICE_UNAVAILABLE naming the service (not the address or the cause) for the
 * fields that service was to answer, and whatever other services answered.
 */
function observedFetch(subgraph: string, fetch: GraphQLFetch): GraphQLFetch {
  return async (url, init) => {
    const started = performance.now();
    try {
      const response = await fetch(url, init);
      recordSubgraphFetch(subgraph, response.ok ? 'ok' : 'error', (performance.now() - started) / 1000);
      return response;
    } catch (error) {
      recordSubgraphFetch(subgraph, 'unreachable', (performance.now() - started) / 1000);
      // The fetcher is not told the request; the id it forwards names it.
      const requestId = headerOf(init, REQUEST_ID_HEADER);
      logger.error({ service: 'gateway', ...(requestId ? { requestId } : {}), subgraph }, `subgraph ${subgraph} unreachable: ${describeErrorChain(error)}`);
      throw serviceUnavailable(subgraph);
    }
  };
}

function headerOf(init: Parameters<GraphQLFetch>[1], name: string): string | undefined {
  const headers = (init as { headers?: unknown } | undefined)?.headers;
  if (headers && typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  const value = (headers as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value : undefined;
}

/**
 * Forwards the caller to subgraphs in a header signed by the gateway. Each subgraph fetch gets its
 * own short-lived signature bound to the operation text, operation name and variables it carries
 * (for an entity fetch, the representations too): a fetch late in a long query plan (or after
 * queueing) never presents an expired header, and a captured header is useless for any other
 * operation or other arguments. The request id and the trace go along, so one id follows the
 * request through every service.
 */
export class SignedDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(
    url: string,
    private readonly signingSecret: string,
    subgraph = 'subgraph',
  ) {
    // Pooled connections that close before the subgraph's, and one retry of a query on a reset.
    super({ url, fetcher: observedFetch(subgraph, createGraphQLFetch()) as unknown as RemoteGraphQLDataSource['fetcher'] });
  }

  override async willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<void> {
    // Apollo's own health and schema requests belong to no client request.
    const requestId = (context as Partial<GatewayContext>).request?.requestId;
    if (requestId) request.http?.headers.set(REQUEST_ID_HEADER, requestId);
    injectTraceHeaders((name, value) => request.http?.headers.set(name, value));
    // Apollo's own health and schema requests carry no caller context.
    if (!('caller' in context) || !context.caller || !request.query) return;
    // Signed as the values stand right before they are serialised into the request body.
    const signed = await signCallerContext(this.signingSecret, {
      caller: context.caller,
      query: request.query,
      variables: request.variables,
      operationName: request.operationName,
    });
    request.http?.headers.set(CALLER_CONTEXT_HEADER, signed);
  }
}
