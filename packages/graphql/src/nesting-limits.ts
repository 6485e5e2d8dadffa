/**
 * Nesting limits checked before anything recursive sees a request: graphql-js parses and validates
 * values and selections by recursion, as do the input and cost checks, so a list literal nested a
 * couple of thousand levels overflows the call stack. Real operations nest a few dozen levels at
 * most; the limit stays well above that, so that the operation limits can still measure and
 * explain a merely too deep query, and well below where parsing overflows.
 */
export const DEFAULT_MAX_NESTING = 500;

/**
 * How deeply a GraphQL document nests selection sets, list and object values and argument lists
 * (`{`, `[`, `(`), outside strings and comments. Counted in one pass without recursion, and
 * stops as soon as `limit` is exceeded.
 */
export function documentNesting(source: string, limit = Infinity): number {
  let depth = 0;
  let deepest = 0;
  for (let i = 0; i < source.length; i++) {
    const char = source[i];
    if (char === '#') {
      while (i < source.length && source[i] !== '\n' && source[i] !== '\r') i++;
    } else if (char === '"') {
      if (source.startsWith('"""', i)) {
        i += 3;
        while (i < source.length && !source.startsWith('"""', i)) i += source.startsWith('\\"""', i) ? 4 : 1;
        i += 2;
      } else {
        i++;
        while (i < source.length && source[i] !== '"' && source[i] !== '\n' && source[i] !== '\r') i += source[i] === '\\' ? 2 : 1;
      }
    } else if (char === '{' || char === '[' || char === '(') {
      depth++;
      if (depth > deepest) {
        deepest = depth;
        if (deepest > limit) return deepest;
      }
    } else if ((char === '}' || char === ']' || char === ')') && depth > 0) {
      depth--;
    }
  }
  return deepest;
}

/** How deeply a JSON value nests arrays and objects (a flat object is 1), without recursion; stops past `limit`. */
export function jsonNesting(value: unknown, limit = Infinity): number {
  let deepest = 0;
  const pending: [unknown, number][] = [[value, 1]];
  while (pending.length > 0) {
    const [current, depth] = pending.pop()!;
    if (current === null || typeof current !== 'object') continue;
    if (depth > deepest) {
      deepest = depth;
      if (deepest > limit) return deepest;
    }
    for (const item of Array.isArray(current) ? current : Object.values(current)) {
      if (item !== null && typeof item === 'object') pending.push([item, depth + 1]);
    }
  }
  return deepest;
}

/** Why a request's document or variables nest too deeply to be handled, or undefined when they do not. */
export function nestingViolation(query: unknown, variables: unknown, maxNesting: number): string | undefined {
  if (typeof query === 'string' && documentNesting(query, maxNesting) > maxNesting) {
    return `The document nests selections, lists or objects more than ${maxNesting} levels deep`;
  }
  if (jsonNesting(variables, maxNesting) > maxNesting) return `The variables nest lists or objects more than ${maxNesting} levels deep`;
  return undefined;
}
