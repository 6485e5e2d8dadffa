import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { CALLER_CONTEXT_HEADER } from '@omni/auth';
import { createGraphQLFetch, describeErrorChain, serviceUnavailable, type GraphQLFetch, type GraphQLFetchResponse } from '@omni/graphql';
import { injectTraceHeaders, logger, recordSubgraphFetch, REQUEST_ID_HEADER } from '@omni/observability';
import type { GatewayContext } from './gateway-context';
import { CallerSignatures } from './transport/caller-signatures';
import { PlainHeaders } from './transport/plain-headers';
import { InFlightFetches, sharedFetchKey, type SharedBy } from './transport/shared-fetches';

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
      const requestId = init.headers?.[REQUEST_ID_HEADER];
      logger.error({ service: 'gateway', ...(requestId ? { requestId } : {}), subgraph }, `subgraph ${subgraph} unreachable: ${describeErrorChain(error)}`);
      throw serviceUnavailable(subgraph);
    }
  };
}

export interface SignedDataSourceOptions {
  /** Share one fetch among identical queries in flight for the same caller (see transport/shared-fetches.ts); on by default. */
  deduplicate?: boolean;
  /** Whose identical queries share a fetch: the same caller's (the default), or any caller's who sees the same (public data). */
  sharedBy?: SharedBy;
}

type CachePolicy = { restrict(hint: { maxAge?: number; scope?: 'PUBLIC' | 'PRIVATE' }): void };

/** Apollo's reading of a subgraph's `Cache-Control` answer, so cache hints keep flowing to the gateway's response. */
function restrictByCacheControl(policy: CachePolicy, header: string | null): void {
  const hint: { maxAge: number; scope?: 'PUBLIC' | 'PRIVATE' } = { maxAge: 0 };
  for (const part of header?.trim().split(/\s*,\s*/) ?? []) {
    const [name, value] = part.split(/\s*=\s*/, 2);
    const unquoted = value?.replace(/^"|"$/g, '');
    if (name === 'max-age' && unquoted && /^[0-9]+$/.test(unquoted)) hint.maxAge = Number(unquoted);
    if (name === 'private' && value === undefined) hint.scope = 'PRIVATE';
    if (name === 'public' && value === undefined) hint.scope = 'PUBLIC';
  }
  policy.restrict(hint);
}

type GatewayGraphQLResponse = Awaited<ReturnType<RemoteGraphQLDataSource<GatewayContext>['process']>>;

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

type SubgraphRequest = GraphQLDataSourceProcessOptions<GatewayContext>['request'];

/** The request body of one fetch, serialised once for the signature's key and the wire. */
const bodies = new WeakMap<SubgraphRequest, string>();

function bodyOf(request: SubgraphRequest): string {
  let body = bodies.get(request);
  if (body === undefined) {
    const { http: _http, ...withoutHttp } = request;
    bodies.set(request, (body = JSON.stringify(withoutHttp)));
  }
  return body;
}

/**
 * Forwards the caller to subgraphs in a header signed by the gateway. Each subgraph fetch gets its
 * own short-lived signature bound to the operation text, operation name and variables it carries
 * (for an entity fetch, the representations too): a fetch late in a long query plan (or after
 * queueing) never presents an expired header, and a captured header is useless for any other
 * operation or other arguments. The very same fetch for the same caller repeated within a few
 * seconds is sent the header signed for the first, which has most of its lifetime still ahead
 * (transport/caller-signatures.ts). The request id and the trace go along, so one id follows the
 * request through every service.
 *
 * Sends over the lean pooled client of @omni/graphql rather than the library's default fetch stack
 * (make-fetch-happen, whose agent records a stack trace per request), and lets identical queries
 * in flight at once for the same caller (the public catalog: the same visibility) share one fetch.
 */
export class SignedDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  private readonly send: GraphQLFetch;
  private readonly inFlight = new InFlightFetches<GraphQLFetchResponse>();
  private readonly deduplicate: boolean;
  private readonly sharedBy: SharedBy;
  private readonly signatures: CallerSignatures;

  constructor(
    url: string,
    signingSecret: string,
    subgraph = 'subgraph',
    options: SignedDataSourceOptions = {},
  ) {
    super({ url });
    this.signatures = new CallerSignatures(signingSecret);
    // Pooled connections that close before the subgraph's, and one retry of a query on a reset.
    this.send = observedFetch(subgraph, createGraphQLFetch());
    this.deduplicate = options.deduplicate ?? true;
    this.sharedBy = options.sharedBy ?? 'caller';
  }

  /** Fetches that are being shared right now, one per distinct key (for tests). */
  get fetchesInFlight(): number {
    return this.inFlight.size;
  }

  override async willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<void> {
    // Apollo's own health and schema requests belong to no client request.
    const requestId = (context as Partial<GatewayContext>).request?.requestId;
    if (requestId) request.http?.headers.set(REQUEST_ID_HEADER, requestId);
    injectTraceHeaders((name, value) => request.http?.headers.set(name, value));
    // Apollo's own health and schema requests carry no caller context.
    if (!('caller' in context) || !context.caller || !request.query) return;
    // Signed as the values stand when they are serialised into the request body.
    const signed = await this.signatures.headerFor(
      context.caller,
      { query: request.query, variables: request.variables, operationName: request.operationName },
      bodyOf(request),
    );
    request.http?.headers.set(CALLER_CONTEXT_HEADER, signed);
  }

  /** What the library's `process` does for a query without automatic persisted queries, on the lean client. */
  override async process(options: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<GatewayGraphQLResponse> {
    const { request, context } = options;
    const headers = new PlainHeaders(request.http?.headers);
    headers.set('content-type', 'application/json');
    request.http = { method: 'POST', url: this.url, headers };
    await this.willSendRequest(options);
    if (!request.query) throw new Error('Missing query');

    const body = bodyOf(request);
    const caller = 'caller' in context ? (context as Partial<GatewayContext>).caller : undefined;
    const key = this.deduplicate ? sharedFetchKey(caller, request.query, body, this.sharedBy) : undefined;
    const response = await this.inFlight.run(key, () => this.send(this.url, { method: 'POST', headers: headers.toObject(), body }));

    if (!response.ok) throw await this.errorFromResponse(response as unknown as Parameters<RemoteGraphQLDataSource['errorFromResponse']>[0]);
    // Every request sharing a fetch parses the answer for itself: the executor writes into what it gets.
    const parsed = await this.parseBody(response as unknown as Parameters<RemoteGraphQLDataSource['parseBody']>[0]);
    if (!isObject(parsed)) throw new Error('Expected a JSON response body from the subgraph');
    // Only a client's operation has a cache policy; Apollo's own health and schema requests have none.
    if (this.honorSubgraphCacheControlHeader && 'incomingRequestContext' in options) {
      const policy = options.incomingRequestContext.overallCachePolicy as Partial<CachePolicy> | undefined;
      if (policy && typeof policy.restrict === 'function') restrictByCacheControl(policy as CachePolicy, response.headers.get('cache-control'));
    }
    return { ...(parsed as GatewayGraphQLResponse), http: { headers: new PlainHeaders(response.headers.entries()), status: response.status } };
  }
}
