import type { Caller } from '@omni/auth';

/**
 * Per-request gateway context: the authenticated caller. Its signature for the subgraphs is made
 * per subgraph fetch, never kept here, so a request that waited in a queue still sends a fresh one.
 */
export interface GatewayContext {
  caller: Caller;
}
