import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, type SourceLocation } from 'graphql';

/**
 * One error per distinct problem in a document: validation reports the same mistake once per
 * place (`@aa` repeated a hundred times is a hundred "Unknown directive" errors). Errors without a
 * path (request errors) and with the same message become one error listing every location, so the
 * response stays small whatever the document repeats, and "directive overloading" probes find no
 * amplification.
 */
export function repeatedErrorsPlugin(): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ errors }) {
          // Apollo Server formats this very array after the hook, so the errors are merged in place.
          const reported = errors as GraphQLError[];
          const firstByMessage = new Map<string, { index: number; locations: SourceLocation[] }>();
          const merged: GraphQLError[] = [];
          for (const error of reported) {
            const seen = error.path === undefined ? firstByMessage.get(error.message) : undefined;
            if (seen) {
              seen.locations.push(...(error.locations ?? []));
              continue;
            }
            if (error.path === undefined) firstByMessage.set(error.message, { index: merged.length, locations: [...(error.locations ?? [])] });
            merged.push(error);
          }
          if (merged.length === reported.length) return;
          for (const { index, locations } of firstByMessage.values()) {
            const error = merged[index]!;
            if (locations.length === (error.locations?.length ?? 0)) continue;
            merged[index] = new GraphQLError(error.message, { nodes: error.nodes, source: error.source, positions: error.positions, originalError: error.originalError, extensions: error.extensions });
            Object.defineProperty(merged[index], 'locations', { value: locations, enumerable: true });
          }
          reported.splice(0, reported.length, ...merged);
        },
      };
    },
  };
}
