import {
  Kind,
  valueFromASTUntyped,
  type DocumentNode,
  type FieldNode,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';
import { NO_COST_ANNOTATIONS, type CostAnnotations, type ListSizeAnnotation } from './cost-annotations';
import { fragmentsOf } from './fragments';
import { DEFAULT_LIST_SIZING, type ListSizing } from './limits';
import { fieldsOf, introspectionField, isComposite, isLeaf, isList, namedType } from './schema-types';

type FieldDefinition = Pick<GraphQLField<unknown, unknown>, 'name' | 'type' | 'args'>;

export interface OperationCostInput {
  schema: GraphQLSchema;
  document: DocumentNode;
  operation: OperationDefinitionNode;
  /** Raw request variables; page sizes passed as variables count with their value. */
  variables?: Record<string, unknown> | null;
  annotations?: CostAnnotations;
  sizing?: ListSizing;
}

/** A change is worth more than a read: each mutation field starts at this weight. */
export const MUTATION_FIELD_WEIGHT = 10;

/** The child fields of a connection that hold its page, sized by the connection's `first`. */
interface SizedChildren {
  fields: ReadonlySet<string>;
  size: number;
}

/**
 * Cost of an operation before it runs, in the spirit of federation's demand control:
 * an object costs 1, a scalar or enum 0, a mutation field 10, `@cost(weight:)` overrides either,
 * and a list multiplies the cost of one item by its size. The size is the slicing argument
 * (`first`) when given, else the argument's default, the declared `@listSize(assumedSize:)`, the
 * default page size for connections, or the assumed list size. `_entities` counts its
 * representations. Where a selection branches on the concrete type, the dearest branch counts.
 */
export function operationCost(input: OperationCostInput): number {
  const { schema, document, operation } = input;
  const annotations = input.annotations ?? NO_COST_ANNOTATIONS;
  const sizing = input.sizing ?? DEFAULT_LIST_SIZING;
  const variables = input.variables ?? {};
  const fragments = fragmentsOf(document);
  const variableDefaults = new Map(
    (operation.variableDefinitions ?? []).map((definition) => [
      definition.variable.name.value,
      definition.defaultValue ? valueFromASTUntyped(definition.defaultValue) : undefined,
    ]),
  );
  const known = new Map<string, number>();
  const visiting = new Set<string>();
  const rootType = schema.getRootType(operation.operation);
  const isMutation = operation.operation === 'mutation';

  const valueOf = (node: ValueNode): unknown =>
    node.kind === Kind.VARIABLE
      ? (variables[node.name.value] ?? variableDefaults.get(node.name.value))
      : valueFromASTUntyped(node, variables);

  const argumentValue = (field: FieldNode, definition: FieldDefinition, name: string): unknown => {
    const given = field.arguments?.find((argument) => argument.name.value === name);
    if (given) return valueOf(given.value);
    return definition.args.find((argument) => argument.name === name)?.defaultValue;
  };

  const listSizes = new Map<string, ListSizeAnnotation | undefined>();
  const listSizeOf = (parent: GraphQLNamedType, definition: FieldDefinition): ListSizeAnnotation | undefined => {
    const key = `${parent.name}.${definition.name}`;
    if (listSizes.has(key)) return listSizes.get(key);
    const listSize = annotations.listSizes.get(key) ?? connectionListSize(definition);
    listSizes.set(key, listSize);
    return listSize;
  };

  const requestedSize = (field: FieldNode, definition: FieldDefinition, listSize: ListSizeAnnotation | undefined): number => {
    if (definition.name === '_entities') {
      const representations = argumentValue(field, definition, 'representations');
      return Array.isArray(representations) ? representations.length : sizing.assumedListSize;
    }
    const sizes = (listSize?.slicingArguments ?? [])
      .map((name) => argumentValue(field, definition, name))
      .filter((value): value is number => typeof value === 'number' && Number.isFinite(value))
      .map((value) => Math.max(0, Math.ceil(value)));
    if (sizes.length > 0) return Math.max(...sizes);
    if (listSize?.assumedSize !== undefined) return listSize.assumedSize;
    return listSize?.slicingArguments?.length ? sizing.defaultPageSize : sizing.assumedListSize;
  };

  const fieldCost = (field: FieldNode, parent: GraphQLNamedType, sized: SizedChildren | null): number => {
    const name = field.name.value;
    if (name === '__typename') return 0;
    const definition: FieldDefinition | undefined = fieldsOf(parent)[name] ?? (parent === rootType ? introspectionField(schema, name) : undefined);
    // Unknown fields never pass validation; nothing to count.
    if (!definition) return 0;
    const returned = namedType(definition.type);
    const listed = isList(definition.type);
    const listSize = listSizeOf(parent, definition);
    const requested = listed || listSize?.sizedFields ? requestedSize(field, definition, listSize) : 1;

    let size = 1;
    if (sized?.fields.has(name)) size = sized.size;
    else if (listed && !listSize?.sizedFields) size = requested;

    const weight =
      annotations.weights.get(`${parent.name}.${name}`) ??
      (isMutation && parent === rootType ? MUTATION_FIELD_WEIGHT : undefined) ??
      annotations.weights.get(returned.name) ??
      (isLeaf(returned) ? 0 : 1);
    const children =
      field.selectionSet && isComposite(returned)
        ? selectionSetCost(field.selectionSet, returned, listSize?.sizedFields ? { fields: new Set(listSize.sizedFields), size: requested } : null)
        : 0;
    return finite(size * (weight + children));
  };

  const fragmentCost = (name: string, sized: SizedChildren | null): { type: string; cost: number } | undefined => {
    const fragment = fragments.get(name);
    if (!fragment) return undefined;
    const type = schema.getType(fragment.typeCondition.name.value);
    if (!isComposite(type)) return undefined;
    const key = sized ? `${name}|${[...sized.fields].join(',')}|${sized.size}` : name;
    const cached = known.get(key);
    if (cached !== undefined) return { type: type.name, cost: cached };
    if (visiting.has(name)) return { type: type.name, cost: Infinity };
    visiting.add(name);
    const cost = selectionSetCost(fragment.selectionSet, type, sized);
    visiting.delete(name);
    known.set(key, cost);
    return { type: type.name, cost };
  };

  const selectionSetCost = (selectionSet: SelectionSetNode, parent: GraphQLNamedType, sized: SizedChildren | null): number => {
    let shared = 0;
    const branches = new Map<string, number>();
    const add = (typeName: string, cost: number) => {
      if (typeName === parent.name) shared += cost;
      else branches.set(typeName, (branches.get(typeName) ?? 0) + cost);
    };
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        shared += fieldCost(selection, parent, sized);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parent;
        if (isComposite(type)) add(type.name, selectionSetCost(selection.selectionSet, type, sized));
      } else {
        const spread = fragmentCost(selection.name.value, sized);
        if (spread) add(spread.type, spread.cost);
      }
    }
    return finite(shared + Math.max(0, ...branches.values()));
  };

  return rootType ? selectionSetCost(operation.selectionSet, rootType, null) : 0;
}

/** Relay connections without a declaration: `first` sizes the page held by edges and nodes. */
function connectionListSize(definition: FieldDefinition): ListSizeAnnotation | undefined {
  if (!definition.args.some((argument) => argument.name === 'first')) return undefined;
  if (isList(definition.type)) return { slicingArguments: ['first'] };
  const pageFields = fieldsOf(namedType(definition.type));
  const sizedFields = ['edges', 'nodes'].filter((name) => pageFields[name] !== undefined && isList(pageFields[name].type));
  return sizedFields.length > 0 ? { slicingArguments: ['first'], sizedFields } : undefined;
}

/** 0 × an endless cycle is still refused rather than treated as free. */
function finite(cost: number): number {
  return Number.isNaN(cost) ? Infinity : cost;
}
