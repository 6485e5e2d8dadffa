import { Kind, valueFromASTUntyped, type ConstDirectiveNode, type DocumentNode } from 'graphql';

/** `@listSize` as federation's demand-control spec defines it. */
export interface ListSizeAnnotation {
  assumedSize?: number;
  slicingArguments?: string[];
  sizedFields?: string[];
  requireOneSlicingArgument?: boolean;
}

/** Declared weights and list sizes, keyed `Type.field` for fields and `Type` for types. */
export interface CostAnnotations {
  weights: Map<string, number>;
  listSizes: Map<string, ListSizeAnnotation>;
}

function argumentsOf(directive: ConstDirectiveNode): Record<string, unknown> {
  return Object.fromEntries((directive.arguments ?? []).map((argument) => [argument.name.value, valueFromASTUntyped(argument.value)]));
}

function read(directives: readonly ConstDirectiveNode[] | undefined, key: string, annotations: CostAnnotations) {
  for (const directive of directives ?? []) {
    const args = argumentsOf(directive);
    if (directive.name.value === 'cost' && typeof args.weight === 'number') annotations.weights.set(key, args.weight);
    if (directive.name.value === 'listSize') annotations.listSizes.set(key, args as ListSizeAnnotation);
  }
}

/**
 * Collects `@cost` and `@listSize` from a subgraph SDL or from the composed supergraph, which
 * keeps them on its fields. The API schema the gateway validates against drops them, so they
 * are read from the SDL once at start.
 */
export function costAnnotationsFromSdl(document: DocumentNode): CostAnnotations {
  const annotations: CostAnnotations = { weights: new Map(), listSizes: new Map() };
  for (const definition of document.definitions) {
    if (!('name' in definition) || !definition.name || !('directives' in definition)) continue;
    const typeName = definition.name.value;
    read(definition.directives as readonly ConstDirectiveNode[] | undefined, typeName, annotations);
    if (
      definition.kind === Kind.OBJECT_TYPE_DEFINITION ||
      definition.kind === Kind.OBJECT_TYPE_EXTENSION ||
      definition.kind === Kind.INTERFACE_TYPE_DEFINITION ||
      definition.kind === Kind.INTERFACE_TYPE_EXTENSION
    ) {
      for (const field of definition.fields ?? []) read(field.directives, `${typeName}.${field.name.value}`, annotations);
    }
  }
  return annotations;
}

export const NO_COST_ANNOTATIONS: CostAnnotations = { weights: new Map(), listSizes: new Map() };
