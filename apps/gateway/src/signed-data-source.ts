import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { CALLER_CONTEXT_HEADER, signCallerContext } from '@omni/auth';
import type { GatewayContext } from './gateway-context';

/**
 * Forwards the caller to subgraphs in a header signed by the gateway. The signature is made
 * once per client request and reused for every subgraph fetch of its query plan.
 */
export class SignedDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(
    url: string,
    private readonly signingSecret: string,
  ) {
    super({ url });
  }

  override async willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<void> {
    // Apollo's own health and schema requests carry no caller context.
    if (!('caller' in context) || !context.caller) return;
    context.signedCaller ??= signCallerContext(this.signingSecret, context.caller);
    request.http?.headers.set(CALLER_CONTEXT_HEADER, await context.signedCaller);
  }
}
