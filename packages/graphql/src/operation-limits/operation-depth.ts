import { Kind, type DocumentNode, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';
import { fragmentsOf } from './fragments';

/**
 * Deepest chain of nested fields, `{ a { b } }` being 2. Fragments and inline fragments add no
 * level of their own. Each fragment's depth is computed once, so a chain of fragments that each
 * spread the next several times stays linear; a fragment that reaches itself is infinitely deep.
 * Introspection (`__schema`, `__type`) counts as one level: tools ask for type references many
 * levels deep, and what introspection returns is held in check by its cost instead.
 */
const INTROSPECTION = new Set(['__schema', '__type']);

export function operationDepth(document: DocumentNode, operation: OperationDefinitionNode): number {
  const fragments = fragmentsOf(document);
  const known = new Map<string, number>();
  const visiting = new Set<string>();

  const fragmentDepth = (name: string): number => {
    const cached = known.get(name);
    if (cached !== undefined) return cached;
    const fragment = fragments.get(name);
    if (!fragment) return 0;
    if (visiting.has(name)) return Infinity;
    visiting.add(name);
    const depth = selectionSetDepth(fragment.selectionSet);
    visiting.delete(name);
    known.set(name, depth);
    return depth;
  };

  const selectionSetDepth = (selectionSet: SelectionSetNode): number => {
    let deepest = 0;
    for (const selection of selectionSet.selections) {
      const depth =
        selection.kind === Kind.FIELD
          ? 1 + (selection.selectionSet && !INTROSPECTION.has(selection.name.value) ? selectionSetDepth(selection.selectionSet) : 0)
          : selection.kind === Kind.INLINE_FRAGMENT
            ? selectionSetDepth(selection.selectionSet)
            : fragmentDepth(selection.name.value);
      if (depth > deepest) deepest = depth;
    }
    return deepest;
  };

  return selectionSetDepth(operation.selectionSet);
}
