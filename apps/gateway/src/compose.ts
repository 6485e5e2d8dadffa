import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { subgraphSdl } from '@omni/graphql';
import { SUBGRAPHS, defaultUrlOf, schemaFileOf } from './subgraphs';

export class CompositionError extends Error {
  override name = 'CompositionError';
}

/**
 * Composes the supergraph from the five SDL files. Routing URLs are the local defaults; the
 * gateway overrides them per environment, so the committed file does not depend on where it runs.
 */
export function composeSupergraph(): { supergraphSdl: string; hints: string[] } {
  const result = composeServices(
    SUBGRAPHS.map(({ name }) => ({
      name,
      url: defaultUrlOf(name),
      typeDefs: parse(subgraphSdl(schemaFileOf(name))),
    })),
  );
  if (result.errors) {
    throw new CompositionError(`Composition failed:\n${result.errors.map((error) => `- ${error.message}`).join('\n')}`);
  }
  return { supergraphSdl: result.supergraphSdl, hints: result.hints.map((hint) => hint.toString()) };
}
