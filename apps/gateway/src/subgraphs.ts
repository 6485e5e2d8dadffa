import { fileURLToPath } from 'node:url';

/** The five subgraphs, where their SDL lives and where they listen by default. */
export const SUBGRAPHS = [
  { name: 'customer', port: 4001 },
  { name: 'catalog', port: 4002 },
  { name: 'cart', port: 4003 },
  { name: 'promotions', port: 4004 },
  { name: 'support', port: 4005 },
] as const;

export type SubgraphName = (typeof SUBGRAPHS)[number]['name'];

export function schemaFileOf(name: SubgraphName): string {
  return fileURLToPath(new URL(`../../../subgraphs/${name}/src/schema.graphql`, import.meta.url));
}

export const defaultUrlOf = (name: SubgraphName): string =>
  `http://localhost:${SUBGRAPHS.find((subgraph) => subgraph.name === name)!.port}/`;

export const SUPERGRAPH_FILE = fileURLToPath(new URL('../supergraph.graphql', import.meta.url));

/** The public schema for clients (codegen, relay-compiler), written with the supergraph by `npm run compose`. */
export const CLIENT_SCHEMA_FILE = fileURLToPath(new URL('../schema.graphql', import.meta.url));
