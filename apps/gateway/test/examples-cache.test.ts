import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSchema, getNamedType, isObjectType, parse, specifiedRules, TypeInfo, validate, visit, visitWithTypeInfo, Kind, type SelectionSetNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { CLIENT_SCHEMA_FILE } from '../src/subgraphs';

const EXAMPLES = fileURLToPath(new URL('../../../examples/', import.meta.url));
const schema = buildSchema(readFileSync(CLIENT_SCHEMA_FILE, 'utf8'));

/**
 * Selections of an object type with an `id` that leave it out, as `file:line Type`. A normalised
 * cache (Apollo Client, Relay, urql's graphcache) keys objects by id: without it, an object a
 * mutation returns does not replace the one a query showed, and the screen stays stale.
 */
function selectionsWithoutId(file: string, source: string): string[] {
  const document = parse(source);
  const typeInfo = new TypeInfo(schema);
  const missing: string[] = [];
  const selectsId = (selectionSet: SelectionSetNode) => selectionSet.selections.some((selection) => selection.kind === Kind.FIELD && selection.name.value === 'id' && !selection.alias);
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      SelectionSet(node) {
        const type = getNamedType(typeInfo.getType() ?? typeInfo.getParentType());
        if (isObjectType(type) && type.getFields().id && !selectsId(node)) missing.push(`${file}:${node.loc?.startToken.line} ${type.name}`);
      },
    }),
  );
  return missing;
}

describe('examples/*.graphql against the client schema', () => {
  const files = readdirSync(EXAMPLES).filter((file) => file.endsWith('.graphql'));

  it('finds the examples', () => {
    expect(files.length).toBeGreaterThanOrEqual(6);
  });

  it.each(files)('%s validates', (file) => {
    expect(validate(schema, parse(readFileSync(join(EXAMPLES, file), 'utf8')), specifiedRules).map((error) => error.message)).toEqual([]);
  });

  it.each(files)('%s selects id on every object that has one (cache-correct)', (file) => {
    expect(selectionsWithoutId(file, readFileSync(join(EXAMPLES, file), 'utf8'))).toEqual([]);
  });

  it('notices a selection without id', () => {
    expect(selectionsWithoutId('x', '{ me { cart { totalQuantity } } }')).toEqual(['x:1 Customer', 'x:1 Cart']);
  });
});
