import { Kind, type ArgumentNode, type DocumentNode, type FragmentDefinitionNode, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';
import type { SupergraphOwnership } from './supergraph-ownership';

/** What one response key of an object holds, merged over every fragment that selects it. */
export interface ShapeField {
  /** The schema field behind the response key (the alias resolved). */
  name: string;
  /** The type the field is selected on. */
  parentType: string;
  /** The named type it returns. */
  returnType: string;
  arguments: readonly ArgumentNode[];
  /** The sub-selection, for fields returning objects. */
  selection?: ResultShape;
}

/** The selections of one object in the response, by response key. */
export interface ResultShape {
  fields: Map<string, ShapeField>;
}

export type Cacheability = { cacheable: true; shape: ResultShape } | { cacheable: false; reason: string };

/** Directives that only decide whether a selection is there; anything else (`@defer`) changes how the response arrives. */
const SELECTION_DIRECTIVES = new Set(['skip', 'include']);

/**
 * Whether a response to this operation may be shared by every caller with the same visibility:
 * only a query whose every selected field is resolved by `graph` (the public catalog) itself.
 * A field of any other subgraph (a customer's profile, a cart, promotion badges that follow
 * the calendar) makes the whole operation uncacheable, so personal data never enters the cache,
 * and everything that is cached changes only with the events `graph` announces. Introspection
 * and `@defer` are left to the normal path.
 */
export function cacheabilityOf(document: DocumentNode, operation: OperationDefinitionNode, ownership: SupergraphOwnership, graph: string): Cacheability {
  if (operation.operation !== 'query') return { cacheable: false, reason: `a ${operation.operation}` };
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const shape: ResultShape = { fields: new Map() };
  try {
    collect(operation.selectionSet, ownership.rootType('query'), shape, { ownership, graph, fragments, visiting: new Set() });
  } catch (error) {
    if (error instanceof Uncacheable) return { cacheable: false, reason: error.message };
    throw error;
  }
  return { cacheable: true, shape };
}

class Uncacheable extends Error {}

interface Walk {
  ownership: SupergraphOwnership;
  graph: string;
  fragments: Map<string, FragmentDefinitionNode>;
  /** Fragments being expanded on the current path; validation already refuses cycles. */
  visiting: Set<string>;
}

function collect(selectionSet: SelectionSetNode, parentType: string, into: ResultShape, walk: Walk): void {
  for (const selection of selectionSet.selections) {
    for (const directive of selection.directives ?? []) {
      if (!SELECTION_DIRECTIVES.has(directive.name.value)) throw new Uncacheable(`the @${directive.name.value} directive`);
    }
    if (selection.kind === Kind.INLINE_FRAGMENT) {
      collect(selection.selectionSet, selection.typeCondition?.name.value ?? parentType, into, walk);
      continue;
    }
    if (selection.kind === Kind.FRAGMENT_SPREAD) {
      const name = selection.name.value;
      const fragment = walk.fragments.get(name);
      if (!fragment || walk.visiting.has(name)) throw new Uncacheable(`fragment ${name}`);
      walk.visiting.add(name);
      collect(fragment.selectionSet, fragment.typeCondition.name.value, into, walk);
      walk.visiting.delete(name);
      continue;
    }
    const name = selection.name.value;
    if (name === '__typename') continue;
    if (name.startsWith('__')) throw new Uncacheable('introspection');
    const owned = walk.ownership.field(parentType, name);
    if (!owned) throw new Uncacheable(`${parentType}.${name} is not in the supergraph`);
    if (!owned.graphs.has(walk.graph)) throw new Uncacheable(`${parentType}.${name} is not resolved by ${walk.graph}`);
    const key = selection.alias?.value ?? name;
    let field = into.fields.get(key);
    if (!field) {
      field = { name, parentType, returnType: owned.returnType, arguments: selection.arguments ?? [] };
      into.fields.set(key, field);
    } else if (field.name !== name) {
      // Two fields under one key on different possible types: the shape would depend on the runtime type.
      throw new Uncacheable(`response key ${key} names two fields`);
    }
    if (selection.selectionSet) {
      field.selection ??= { fields: new Map() };
      collect(selection.selectionSet, owned.returnType, field.selection, walk);
    }
  }
}

/**
 * Whether a mutation changes data of `graph` directly: one of its root fields is resolved there.
 * (Changes made on the way by another subgraph, such as stock held at checkout, reach the cache
 * through `graph`'s events alone.)
 */
export function mutatesGraph(operation: OperationDefinitionNode, ownership: SupergraphOwnership, graph: string): boolean {
  if (operation.operation !== 'mutation') return false;
  const root = ownership.rootType('mutation');
  return operation.selectionSet.selections.some((selection) => selection.kind !== Kind.FIELD || (ownership.field(root, selection.name.value)?.graphs.has(graph) ?? false));
}
