import { describe, expect, it } from 'vitest';
import { DEFAULT_LIST_SIZING, measureOperation } from '../src/operation-limits';
import { annotations, parsed, schema } from './operation-limits-fixtures';

const sizing = DEFAULT_LIST_SIZING;

/** The same parsed operation measured again, as Apollo hands it to every request sending the same text. */
describe('measuring a repeated operation', () => {
  it('measures again when a page size comes from the variables', () => {
    const operation = parsed('query ($n: Int) { products(first: $n) { edges { node { id } } } }');
    const measure = (n: number) => measureOperation({ schema, annotations, sizing, variables: { n }, ...operation }).cost;
    expect(measure(7)).toBe(1 + 7 * 2);
    expect(measure(500)).toBe(1 + 500 * 2);
    expect(measure(7)).toBe(1 + 7 * 2);
  });

  it('counts the representations of every _entities fetch', () => {
    const operation = parsed('query ($r: [String!]!) { _entities(representations: $r) { ... on Location { name } } }');
    const measure = (r: string[]) => measureOperation({ schema, annotations, sizing, variables: { r }, ...operation }).cost;
    expect(measure(['1'])).toBe(1);
    expect(measure(['1', '2', '3', '4'])).toBe(4);
  });

  it('keeps the cost of an operation whose variables size nothing, and not across schemas', () => {
    const operation = parsed('query ($id: ID!) { product(id: $id) { variants { id } } products(first: 3) { edges { node { id } } } }');
    const first = measureOperation({ schema, annotations, sizing, variables: { id: 'a' }, ...operation });
    const again = measureOperation({ schema, annotations, sizing, variables: { id: 'b' }, ...operation });
    expect(again.cost).toBe(first.cost);
    expect(first.cost).toBe(1 + sizing.assumedListSize + 1 + 3 * 2);
    const larger = { ...sizing, assumedListSize: sizing.assumedListSize * 2 };
    expect(measureOperation({ schema, annotations, sizing: larger, variables: { id: 'a' }, ...operation }).cost).toBe(1 + larger.assumedListSize + 1 + 3 * 2);
  });
});
