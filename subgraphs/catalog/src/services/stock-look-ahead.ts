import { Kind, type FieldNode, type GraphQLResolveInfo, type SelectionSetNode, type ValueNode } from 'graphql';

type SelectionInfo = Pick<GraphQLResolveInfo, 'fieldNodes' | 'fragments' | 'variableValues'>;

/** The `locationId` values of the `availability` fields under a selection, found once per selection of an operation. */
const locationArgumentsBySelection = new WeakMap<readonly FieldNode[], ValueNode[]>();

/**
 * The one location whose stock a selection of variants asks for (`availability(locationId: …)`,
 * directly or in fragments), so that the variants can be read together with it; null when the
 * selection asks for none, or for more than one.
 */
export function stockLocationAskedOf(info: SelectionInfo): string | null {
  let values = locationArgumentsBySelection.get(info.fieldNodes);
  if (values === undefined) {
    values = [];
    for (const field of info.fieldNodes) if (field.selectionSet) collectLocationArguments(field.selectionSet, info.fragments, values);
    locationArgumentsBySelection.set(info.fieldNodes, values);
  }
  let location: string | null = null;
  for (const value of values) {
    const resolved = value.kind === Kind.VARIABLE ? info.variableValues[value.name.value] : value.kind === Kind.STRING ? value.value : undefined;
    if (typeof resolved !== 'string' || (location !== null && resolved !== location)) return null;
    location = resolved;
  }
  return location;
}

function collectLocationArguments(selectionSet: SelectionSetNode, fragments: SelectionInfo['fragments'], into: ValueNode[]): void {
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      if (selection.name.value !== 'availability') continue;
      const argument = selection.arguments?.find((candidate) => candidate.name.value === 'locationId');
      if (argument) into.push(argument.value);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      collectLocationArguments(selection.selectionSet, fragments, into);
    } else {
      const fragment = fragments[selection.name.value];
      if (fragment) collectLocationArguments(fragment.selectionSet, fragments, into);
    }
  }
}
