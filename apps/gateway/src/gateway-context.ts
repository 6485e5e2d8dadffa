import type { Caller } from '@omni/auth';
import type { ObservedRequest } from '@omni/observability';

/**
 * Per-request gateway context: the authenticated caller. Its signature for the subgraphs is made
 * per subgraph fetch, never kept here, so a request that waited in a queue still sends a fresh one.
 */
export interface GatewayContext {
  caller: Caller;
  /**
   * The request served: its id, forwarded on every subgraph fetch, and its logger. Passed
   * explicitly rather than through AsyncLocalStorage, which costs every promise on Node 20.
   * Absent only when the edge's observability is switched off (the bench's --edge=off).
   */
  request?: ObservedRequest;
}
