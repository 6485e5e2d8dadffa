import { composeServices, type CompositionSuccess } from '@apollo/composition';
import { printSchema as printFederationSchema } from '@apollo/federation-internals';
import { parse } from 'graphql';
import { subgraphSdl } from '@omni/graphql';
import { SUBGRAPHS, defaultUrlOf, schemaFileOf } from './subgraphs';
import { clientSchemaSdlOf } from './live/live-schema';

export class CompositionError extends Error {
  override name = 'CompositionError';
}

/**
 * Composes the supergraph from the five SDL files. Routing URLs are the local defaults; the
 * gateway overrides them per environment, so the committed file does not depend on where it runs.
 */
export function composeSupergraph(): { supergraphSdl: string; clientSchemaSdl: string; hints: string[] } {
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
  return { supergraphSdl: result.supergraphSdl, clientSchemaSdl: clientSchemaOf(result.schema), hints: result.hints.map((hint) => hint.toString()) };
}

/**
 * The schema clients see, as introspection of the gateway returns it: no federation types or
 * directives, nothing `@inaccessible`. Committed beside the supergraph so code generators and
 * relay-compiler work from a file, without introspection (which production turns off). Sorted, so
 * its diff shows what changed for clients rather than where a subgraph moved a definition.
 */
function clientSchemaOf(supergraph: CompositionSuccess['schema']): string {
  // Through SDL text rather than federation's graphql-js objects: this module and
  // @apollo/composition may load different copies of graphql (ESM and CommonJS) under a test runner.
  // With the gateway's own subscriptions, which no subgraph defines.
  return clientSchemaSdlOf(printFederationSchema(supergraph.toAPISchema()));
}
