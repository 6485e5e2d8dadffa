import { Kind, type DefinitionNode, type DirectiveNode, type DocumentNode, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';
import { fragmentsOf } from './fragments';

export interface DocumentCounts {
  /** Aliased fields in the whole document, fragments included. */
  aliases: number;
  /** Directive uses anywhere in the document. */
  directives: number;
  /**
   * The most times one response name appears among the fields of one selection set, with the
   * fields its inline fragments and fragment spreads merge into it. graphql-js compares such
   * fields pairwise while validating, so a field repeated thousands of times (written out or
   * spread from as many fragments) costs seconds before anything could measure the operation.
   */
  repeatedField: number;
}

/** One walk over the document's selections; cheaper than graphql-js's generic visitor on large documents. */
export function countDocument(document: DocumentNode): DocumentCounts {
  const counts: DocumentCounts = { aliases: 0, directives: 0, repeatedField: 0 };
  const directives = (nodes: readonly DirectiveNode[] | undefined) => {
    counts.directives += nodes?.length ?? 0;
  };
  const mergedNames = createMergedNames(document);
  const walk = (selectionSet: SelectionSetNode | undefined, topLevel = true): void => {
    if (!selectionSet) return;
    if (topLevel) {
      for (const seen of mergedNames(selectionSet).values()) if (seen > counts.repeatedField) counts.repeatedField = seen;
    }
    for (const selection of selectionSet.selections) {
      directives(selection.directives);
      if (selection.kind === Kind.FIELD) {
        if (selection.alias) counts.aliases += 1;
        walk(selection.selectionSet);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        // Its fields were counted with the enclosing selection set, which they merge into.
        walk(selection.selectionSet, false);
      }
    }
  };
  for (const definition of document.definitions as readonly DefinitionNode[]) {
    if (definition.kind !== Kind.OPERATION_DEFINITION && definition.kind !== Kind.FRAGMENT_DEFINITION) continue;
    directives(definition.directives);
    if (definition.kind === Kind.OPERATION_DEFINITION) {
      for (const variable of definition.variableDefinitions ?? []) directives(variable.directives);
    }
    walk(definition.selectionSet);
  }
  return counts;
}

/**
 * How often each response name occurs in a selection set once its inline fragments and fragment
 * spreads are merged in. A fragment's own names are worked out once and reused by every spread,
 * so thousands of spreads cost thousands of map merges, not a walk each; a cycle adds nothing
 * (validation refuses it anyway).
 */
function createMergedNames(document: DocumentNode): (selectionSet: SelectionSetNode) => Map<string, number> {
  const fragments = fragmentsOf(document);
  const ofFragment = new Map<string, Map<string, number>>();
  const inProgress = new Set<string>();
  const add = (into: Map<string, number>, name: string, times: number) => into.set(name, (into.get(name) ?? 0) + times);
  const collect = (selectionSet: SelectionSetNode, into: Map<string, number>): Map<string, number> => {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) add(into, (selection.alias ?? selection.name).value, 1);
      else if (selection.kind === Kind.INLINE_FRAGMENT) collect(selection.selectionSet, into);
      else for (const [name, times] of fragmentNames(selection.name.value)) add(into, name, times);
    }
    return into;
  };
  const fragmentNames = (name: string): Map<string, number> => {
    const known = ofFragment.get(name);
    if (known) return known;
    const fragment = fragments.get(name);
    if (!fragment || inProgress.has(name)) return new Map();
    inProgress.add(name);
    const names = collect(fragment.selectionSet, new Map());
    inProgress.delete(name);
    ofFragment.set(name, names);
    return names;
  };
  return (selectionSet) => collect(selectionSet, new Map());
}

export const countAliases = (document: DocumentNode): number => countDocument(document).aliases;
export const countDirectives = (document: DocumentNode): number => countDocument(document).directives;

/**
 * Fields the operation asks for at its root, through fragments, `__typename` aside. For a
 * mutation each of them is one change, and they run one after another.
 */
export function countRootFields(document: DocumentNode, operation: OperationDefinitionNode): number {
  const fragments = fragmentsOf(document);
  const spread = new Set<string>();
  const count = (selectionSet: SelectionSetNode): number => {
    let fields = 0;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        if (selection.name.value !== '__typename') fields += 1;
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        fields += count(selection.selectionSet);
      } else {
        const fragment = fragments.get(selection.name.value);
        // A fragment spread twice at the root merges into one set of fields; a cycle ends here.
        if (!fragment || spread.has(fragment.name.value)) continue;
        spread.add(fragment.name.value);
        fields += count(fragment.selectionSet);
      }
    }
    return fields;
  };
  return count(operation.selectionSet);
}
