import { DEFAULT_PAGE_SIZE } from '../connections';

/** What one operation may ask for before anything runs. */
export interface OperationLimits {
  /** Nested field levels, counted through fragments; inline fragments and spreads add none. */
  maxDepth: number;
  /** Calculated cost (see operation-cost.ts) an operation may request. */
  maxCost: number;
  /** Aliased fields in the whole document. */
  maxAliases: number;
  /** Directive uses in the whole document. */
  maxDirectives: number;
  /** Fields at the root of the operation, mutations included. */
  maxRootFields: number;
  /** Times one response name may repeat in one selection set (see DocumentCounts.repeatedField). */
  maxRepeatedField: number;
  /** Lexical tokens; the parser stops at this count, so an oversized document is never fully read. */
  maxTokens: number;
}

/** How many items a list is taken to hold when the operation does not say. */
export interface ListSizing {
  /** Page size of a connection asked for without `first`: what pageRequest() returns. */
  defaultPageSize: number;
  /** Items assumed for a list that takes no size argument and declares no `@listSize`. */
  assumedListSize: number;
}

export const DEFAULT_LIST_SIZING: ListSizing = { defaultPageSize: DEFAULT_PAGE_SIZE, assumedListSize: 10 };

/**
 * Generous for real clients: the dearest example (the support console's customer 360) costs
 * about 1,200 and nests 10 levels, the standard introspection query about 16,000, 50 products
 * with their variants' stock at each location about 21,000. Each level of nested lists
 * multiplies the cost, so what exhausts a subgraph lies orders of magnitude above.
 */
export const DEFAULT_OPERATION_LIMITS: OperationLimits = {
  maxDepth: 15,
  maxCost: 25_000,
  maxAliases: 30,
  maxDirectives: 50,
  maxRootFields: 10,
  maxRepeatedField: 20,
  maxTokens: 20_000,
};

/**
 * A subgraph sees the gateway's query plans, not the client's operation: `_entities` fetches add
 * a level, required fields add keys, and a list may hold more items than assumed, so its guard
 * leaves headroom over the gateway's limits while still refusing what would exhaust it.
 */
export function subgraphLimitsFor(
  gateway: Pick<OperationLimits, 'maxDepth' | 'maxCost' | 'maxTokens'> = DEFAULT_OPERATION_LIMITS,
): Pick<OperationLimits, 'maxDepth' | 'maxCost' | 'maxTokens'> {
  return { maxDepth: gateway.maxDepth + 5, maxCost: gateway.maxCost * 4, maxTokens: gateway.maxTokens * 4 };
}

