import { Kind, type DefinitionNode, type DirectiveNode, type DocumentNode, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';
import { fragmentsOf } from './fragments';

export interface DocumentCounts {
  /** Aliased fields in the whole document, fragments included. */
  aliases: number;
  /** Directive uses anywhere in the document. */
  directives: number;
  /**
   * The most times one response name appears among the fields of one selection set (its inline
   * fragments included). graphql-js compares such fields pairwise while validating, so a field
   * repeated thousands of times costs seconds before anything could measure the operation.
   */
  repeatedField: number;
}

/** One walk over the document's selections; cheaper than graphql-js's generic visitor on large documents. */
export function countDocument(document: DocumentNode): DocumentCounts {
  const counts: DocumentCounts = { aliases: 0, directives: 0, repeatedField: 0 };
  const directives = (nodes: readonly DirectiveNode[] | undefined) => {
    counts.directives += nodes?.length ?? 0;
  };
  const walk = (selectionSet: SelectionSetNode | undefined, names = new Map<string, number>()): void => {
    for (const selection of selectionSet?.selections ?? []) {
      directives(selection.directives);
      if (selection.kind === Kind.FIELD) {
        if (selection.alias) counts.aliases += 1;
        const name = (selection.alias ?? selection.name).value;
        const seen = (names.get(name) ?? 0) + 1;
        names.set(name, seen);
        if (seen > counts.repeatedField) counts.repeatedField = seen;
        walk(selection.selectionSet);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        // Fields of an inline fragment merge with their siblings, so they share the count.
        walk(selection.selectionSet, names);
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
