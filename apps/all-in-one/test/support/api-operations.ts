import { readFileSync } from 'node:fs';
import { printSchema, Supergraph } from '@apollo/federation-internals';
import { buildSchema, getNamedType, isLeafType, isObjectType, Kind, parse, type GraphQLSchema } from 'graphql';
import { SUPERGRAPH_FILE, type SubgraphName } from '@omni/gateway';

export type OperationType = 'query' | 'mutation';

/** One public root field of the gateway, as a front end sees it. */
export interface ApiOperation {
  type: OperationType;
  name: string;
  /** A document that calls the field with every argument as a variable and selects as little as possible. */
  document: string;
  /** The subgraph that resolves the field, for calling it directly as a sibling service would. */
  subgraph: SubgraphName;
}

/**
 * The public API schema the gateway serves: the supergraph without its `@inaccessible` parts. It
 * goes through SDL because the federation library holds its own copy of the graphql module.
 */
function apiSchema(supergraphSdl: string): GraphQLSchema {
  return buildSchema(printSchema(Supergraph.build(supergraphSdl).apiSchema()));
}

/** Which subgraph each root field comes from, read from the supergraph's `@join__field` marks. */
function rootFieldOwners(supergraphSdl: string): Map<string, SubgraphName> {
  const owners = new Map<string, SubgraphName>();
  for (const definition of parse(supergraphSdl).definitions) {
    if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION || (definition.name.value !== 'Query' && definition.name.value !== 'Mutation')) continue;
    for (const field of definition.fields ?? []) {
      const join = field.directives?.find((directive) => directive.name.value === 'join__field');
      const graph = join?.arguments?.find((argument) => argument.name.value === 'graph')?.value;
      if (graph?.kind === Kind.ENUM) owners.set(`${definition.name.value}.${field.name.value}`, graph.value.toLowerCase() as SubgraphName);
    }
  }
  return owners;
}

/** Every public query and mutation of the committed supergraph, so a new one shows up in tests that must classify it. */
export function publicOperations(): ApiOperation[] {
  const sdl = readFileSync(SUPERGRAPH_FILE, 'utf8');
  const schema = apiSchema(sdl);
  const owners = rootFieldOwners(sdl);
  const operations: ApiOperation[] = [];
  for (const [type, root] of [['query', schema.getQueryType()], ['mutation', schema.getMutationType()]] as const) {
    for (const field of Object.values(root?.getFields() ?? {})) {
      const returned = getNamedType(field.type);
      const selection = isLeafType(returned) ? '' : isObjectType(returned) && returned.getFields().userErrors ? ' { userErrors { code } }' : ' { __typename }';
      const params = field.args.map((argument) => `$${argument.name}: ${String(argument.type)}`).join(', ');
      const args = field.args.map((argument) => `${argument.name}: $${argument.name}`).join(', ');
      const subgraph = owners.get(`${root!.name}.${field.name}`);
      if (!subgraph) throw new Error(`No subgraph resolves ${root!.name}.${field.name}`);
      operations.push({
        type,
        name: field.name,
        document: `${type}${params ? `(${params})` : ''} { ${field.name}${args ? `(${args})` : ''}${selection} }`,
        subgraph,
      });
    }
  }
  return operations;
}
