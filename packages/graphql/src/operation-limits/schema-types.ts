import type { GraphQLField, GraphQLNamedType, GraphQLSchema, GraphQLType } from 'graphql';

/**
 * Type tests that work whichever copy of graphql-js built the schema. Apollo's packages load
 * graphql-js as CommonJS while some runners hand ESM code the `.mjs` build, and graphql-js's own
 * `isListType` and friends then throw on the other copy's objects; the string tag is the same.
 */
const tagOf = (type: unknown): string => Object.prototype.toString.call(type).slice(8, -1);

export const isList = (type: GraphQLType): boolean => tagOf(nullable(type)) === 'GraphQLList';

export const isLeaf = (type: GraphQLNamedType): boolean => ['GraphQLScalarType', 'GraphQLEnumType'].includes(tagOf(type));

/** Object, interface or union: a type that takes a selection set. */
export const isComposite = (type: GraphQLNamedType | null | undefined): type is GraphQLNamedType =>
  type !== null && type !== undefined && ['GraphQLObjectType', 'GraphQLInterfaceType', 'GraphQLUnionType'].includes(tagOf(type));

export function nullable(type: GraphQLType): GraphQLType {
  return tagOf(type) === 'GraphQLNonNull' ? (type as { ofType: GraphQLType }).ofType : type;
}

export function namedType(type: GraphQLType): GraphQLNamedType {
  let current: GraphQLType = type;
  while ('ofType' in current && current.ofType) current = current.ofType as GraphQLType;
  return current as GraphQLNamedType;
}

/** Fields of an object or interface type; a union has none of its own. */
export function fieldsOf(type: GraphQLNamedType): Record<string, GraphQLField<unknown, unknown>> {
  const tag = tagOf(type);
  return tag === 'GraphQLObjectType' || tag === 'GraphQLInterfaceType'
    ? (type as unknown as { getFields(): Record<string, GraphQLField<unknown, unknown>> }).getFields()
    : {};
}

/** `__schema` and `__type` are on every query root without being among its fields. */
export function introspectionField(schema: GraphQLSchema, name: string): Pick<GraphQLField<unknown, unknown>, 'name' | 'type' | 'args'> | undefined {
  const type = name === '__schema' ? schema.getType('__Schema') : name === '__type' ? schema.getType('__Type') : undefined;
  return type ? { name, type: type as GraphQLField<unknown, unknown>['type'], args: [] } : undefined;
}
