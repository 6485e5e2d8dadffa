import type { ApolloServerPlugin } from '@apollo/server';
import type { DocumentNode, ParseOptions } from 'graphql';
import { costAnnotationsFromSdl } from './cost-annotations';
import { DEFAULT_OPERATION_LIMITS, subgraphLimitsFor, type OperationLimits } from './limits';
import { createOperationLimitsPlugin } from './operation-limits-plugin';

export type SubgraphOperationLimits = Pick<OperationLimits, 'maxDepth' | 'maxCost' | 'maxTokens'>;

/**
 * A subgraph's own depth and cost guard, so a caller holding a valid signature cannot make it do
 * what the gateway refuses. `_entities` fetches count their representations as the list size.
 */
export function subgraphOperationGuard<TContext extends object>(
  typeDefs: DocumentNode,
  limits: Partial<SubgraphOperationLimits> = {},
): { plugin: ApolloServerPlugin<TContext>; parseOptions: ParseOptions } {
  const { maxTokens, ...checked } = { ...subgraphLimitsFor(DEFAULT_OPERATION_LIMITS), ...limits };
  return {
    parseOptions: { maxTokens },
    plugin: createOperationLimitsPlugin<TContext>({ limits: checked, annotations: costAnnotationsFromSdl(typeDefs) }),
  };
}
