import type { ApolloServerPlugin } from '@apollo/server';
import { Kind, type GraphQLError, type OperationDefinitionNode } from 'graphql';

const NODE_FIELDS = new Set(['node', 'nodes']);

/** Response keys (alias or name) of `node` and `nodes` at the root of the operation. */
function nodeResponseKeys(operation: OperationDefinitionNode): Set<string> {
  const keys = new Set<string>();
  const pending = [...operation.selectionSet.selections];
  while (pending.length > 0) {
    const selection = pending.pop()!;
    if (selection.kind === Kind.FIELD && NODE_FIELDS.has(selection.name.value)) keys.add(selection.alias?.value ?? selection.name.value);
    if (selection.kind === Kind.INLINE_FRAGMENT) pending.push(...selection.selectionSet.selections);
  }
  return keys;
}

/**
 * `Query.node(id:)` answers a well-formed id of another subgraph's type with a reference, and the
 * gateway asks the owner for the fields selected. When the owner has nothing under that id its
 * `__resolveReference` answers null, and the gateway reports each missing non-null field as an
 * internal error before nulling the node. For `node` that null is the answer ("no such object"),
 * so these reports are dropped; errors the owner raised (FORBIDDEN) stay.
 */
export function nodeLookupPlugin(): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ operation, errors }) {
          if (!operation || operation.operation !== 'query') return;
          const keys = nodeResponseKeys(operation);
          if (keys.size === 0) return;
          // Apollo Server formats this very array after the hook, so the reports are removed in place.
          const reported = errors as GraphQLError[];
          for (let i = reported.length - 1; i >= 0; i--) {
            const error = reported[i]!;
            const missingField = error.extensions?.code === 'INVALID_GRAPHQL' && error.message.startsWith('Cannot return null for non-nullable');
            if (missingField && typeof error.path?.[0] === 'string' && keys.has(error.path[0])) reported.splice(i, 1);
          }
        },
        async willSendResponse({ response }) {
          if (response.body.kind === 'single' && response.body.singleResult.errors?.length === 0) delete response.body.singleResult.errors;
        },
      };
    },
  };
}
