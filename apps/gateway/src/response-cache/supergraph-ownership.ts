import { Kind, parse, type ConstDirectiveNode, type TypeNode } from 'graphql';

/** One field of the supergraph: the subgraphs that resolve it and the type it returns. */
export interface OwnedField {
  /** Subgraph names (as in `join__graph(name:)`) that resolve the field themselves, not as `@external`. */
  graphs: ReadonlySet<string>;
  /** The named type the field returns, lists and non-null stripped. */
  returnType: string;
}

/** Which subgraph resolves each field, as the supergraph's `@join__*` directives say. */
export interface SupergraphOwnership {
  field(typeName: string, fieldName: string): OwnedField | undefined;
  /** Names of the supergraph's root types by operation, e.g. `Query`. */
  rootType(operation: 'query' | 'mutation' | 'subscription'): string;
}

function argumentOf(directive: ConstDirectiveNode, name: string) {
  return directive.arguments?.find((argument) => argument.name.value === name)?.value;
}

function enumArgument(directive: ConstDirectiveNode, name: string): string | undefined {
  const value = argumentOf(directive, name);
  return value?.kind === Kind.ENUM ? value.value : undefined;
}

function booleanArgument(directive: ConstDirectiveNode, name: string): boolean {
  const value = argumentOf(directive, name);
  return value?.kind === Kind.BOOLEAN && value.value;
}

function namedTypeOf(type: TypeNode): string {
  return type.kind === Kind.NAMED_TYPE ? type.name.value : namedTypeOf(type.type);
}

const directivesNamed = (directives: readonly ConstDirectiveNode[] | undefined, name: string) => (directives ?? []).filter((directive) => directive.name.value === name);

/**
 * Reads the supergraph SDL once. A field with `@join__field` directives is resolved by the
 * graphs they name, except where it is only `@external` there or its value moved away
 * (`usedOverridden`); a field without one is resolved by every graph its type joins.
 */
export function supergraphOwnership(supergraphSdl: string): SupergraphOwnership {
  const definitions = parse(supergraphSdl, { noLocation: true }).definitions;
  const graphNames = new Map<string, string>();
  for (const definition of definitions) {
    if (definition.kind !== Kind.ENUM_TYPE_DEFINITION || definition.name.value !== 'join__Graph') continue;
    for (const value of definition.values ?? []) {
      const name = directivesNamed(value.directives, 'join__graph').map((directive) => argumentOf(directive, 'name'))[0];
      graphNames.set(value.name.value, name?.kind === Kind.STRING ? name.value : value.name.value.toLowerCase());
    }
  }
  const graphOf = (enumValue: string | undefined) => (enumValue ? (graphNames.get(enumValue) ?? enumValue.toLowerCase()) : undefined);

  const types = new Map<string, Map<string, OwnedField>>();
  const roots = { query: 'Query', mutation: 'Mutation', subscription: 'Subscription' };
  for (const definition of definitions) {
    if (definition.kind === Kind.SCHEMA_DEFINITION) {
      for (const operation of definition.operationTypes) roots[operation.operation] = operation.type.name.value;
    }
    if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION && definition.kind !== Kind.INTERFACE_TYPE_DEFINITION) continue;
    const typeGraphs = directivesNamed(definition.directives, 'join__type')
      .map((directive) => graphOf(enumArgument(directive, 'graph')))
      .filter((graph): graph is string => graph !== undefined);
    const owned = new Map<string, OwnedField>();
    for (const field of definition.fields ?? []) {
      const joins = directivesNamed(field.directives, 'join__field');
      const resolving = joins.filter((directive) => !booleanArgument(directive, 'external') && !booleanArgument(directive, 'usedOverridden'));
      // A `@join__field` without a graph (an interface object's field) leaves it to every graph of the type.
      const graphs = joins.length === 0 || resolving.some((directive) => !argumentOf(directive, 'graph'))
        ? new Set(typeGraphs)
        : new Set(resolving.map((directive) => graphOf(enumArgument(directive, 'graph'))).filter((graph): graph is string => graph !== undefined));
      owned.set(field.name.value, { graphs, returnType: namedTypeOf(field.type) });
    }
    types.set(definition.name.value, owned);
  }
  return {
    field: (typeName, fieldName) => types.get(typeName)?.get(fieldName),
    rootType: (operation) => roots[operation],
  };
}
