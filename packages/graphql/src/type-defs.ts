import { readFileSync } from 'node:fs';
import { parse, type DocumentNode } from 'graphql';

const COMMON_SDL = readFileSync(new URL('./common.graphql', import.meta.url), 'utf8');

/** A subgraph's SDL file prefixed with the shared building blocks, as one document. */
export function loadSubgraphTypeDefs(schemaFile: URL): DocumentNode {
  return parse(subgraphSdl(schemaFile));
}

/** The raw SDL a subgraph serves and composition reads. */
export function subgraphSdl(schemaFile: URL | string): string {
  return `${readFileSync(schemaFile, 'utf8')}\n${COMMON_SDL}`;
}
