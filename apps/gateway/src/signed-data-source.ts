import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { CALLER_CONTEXT_HEADER, signCallerContext } from '@omni/auth';
import { createGraphQLFetch } from '@omni/graphql';
import type { GatewayContext } from './gateway-context';

/**
 * Forwards the caller to subgraphs in a header signed by the gateway. Each subgraph fetch gets its
 * own short-lived signature bound to the operation text, operation name and variables it carries
 * (for an entity fetch, the representations too): a fetch late in a long query plan (or after
 * queueing) never presents an expired header, and a captured header is useless for any other
 * operation or other arguments.
 */
export class SignedDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(
    url: string,
    private readonly signingSecret: string,
  ) {
    // Pooled connections that close before the subgraph's, and one retry of a query on a reset.
    super({ url, fetcher: createGraphQLFetch() as unknown as RemoteGraphQLDataSource['fetcher'] });
  }

  override async willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<void> {
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
