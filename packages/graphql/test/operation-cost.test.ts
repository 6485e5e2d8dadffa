import { describe, expect, it } from 'vitest';
import { DEFAULT_LIST_SIZING, operationCost } from '../src/operation-limits';
import { annotations, parsed, schema, variantProductChain } from './operation-limits-fixtures';

const cost = (source: string, variables?: Record<string, unknown>) => operationCost({ schema, annotations, variables, ...parsed(source) });
const { defaultPageSize, assumedListSize } = DEFAULT_LIST_SIZING;

describe('operation cost', () => {
  it('counts 1 per object and 0 per scalar', () => {
    expect(cost('{ product(id: "p") { id title } }')).toBe(1);
    expect(cost('{ __typename }')).toBe(0);
  });

  it("multiplies a connection's page by first, by a variable's value, or by the default page size", () => {
    // products (1) + first × (edge 1 + node 1) + pageInfo (1)
    expect(cost('{ products(first: 100) { edges { node { id } } pageInfo { hasNextPage } } }')).toBe(1 + 100 * 2 + 1);
    expect(cost('query ($n: Int) { products(first: $n) { edges { node { id } } } }', { n: 7 })).toBe(1 + 7 * 2);
    expect(cost('query ($n: Int = 3) { products(first: $n) { edges { node { id } } } }')).toBe(1 + 3 * 2);
    expect(cost('{ products { edges { node { id } } } }')).toBe(1 + defaultPageSize * 2);
  });

  it('sizes lists by their first argument, its default, @listSize, or the assumed size', () => {
    expect(cost('{ recentlyViewed(first: 2) { id } }')).toBe(2);
    expect(cost('{ recentlyViewed { id } }')).toBe(5);
    expect(cost('{ locations { id } }')).toBe(3);
    expect(cost('{ search(limit: 4) { hits { id } total } }')).toBe(1 + 4);
    expect(cost('{ product(id: "p") { variants { sku } } }')).toBe(1 + assumedListSize);
    // Scalars in a list are free, a declared weight is not.
    expect(cost('{ product(id: "p") { tags expensive } }')).toBe(1 + 50);
  });

  it('multiplies nested lists, so each level of variants → product multiplies the cost', () => {
    const one = cost(`{ products(first: 100) { edges { node { ${variantProductChain(1)} } } } }`);
    const two = cost(`{ products(first: 100) { edges { node { ${variantProductChain(2)} } } } }`);
    expect(one).toBe(1 + 100 * (1 + 1 + assumedListSize * 2));
    expect(two).toBeGreaterThan(one * assumedListSize);
    expect(cost(`{ products(first: 100) { edges { node { ${variantProductChain(100)} } } } }`)).toBeGreaterThan(1e100);
  });

  it('counts fragments where they are spread, takes the dearest type branch, and refuses cycles', () => {
    const viaFragment = cost('{ products(first: 10) { ...Page } } fragment Page on ProductConnection { edges { node { ...P } } } fragment P on Product { id variants { id } }');
    expect(viaFragment).toBe(cost('{ products(first: 10) { edges { node { id variants { id } } } } }'));
    expect(cost('{ node(id: "x") { ... on Product { variants { id } } ... on Location { name } } }')).toBe(1 + assumedListSize);
    expect(cost('{ product(id: "p") { ...A } } fragment A on Product { variants { product { ...A } } }')).toBe(Infinity);
  });

  it('stays fast on a chain of fragments that each spread the next twice', () => {
    const fragments = Array.from({ length: 100 }, (_, i) => `fragment F${i} on Product { a: variants { product { ...F${i + 1} } } b: variants { product { ...F${i + 1} } } }`);
    const source = `{ product(id: "p") { ...F0 } } ${fragments.join(' ')} fragment F100 on Product { id }`;
    const started = performance.now();
    const total = cost(source);
    expect(performance.now() - started).toBeLessThan(200);
    expect(total).toBeGreaterThan(1e100);
  });

  it('charges 10 per mutation field and counts _entities by their representations', () => {
    expect(cost('mutation { a: requestSignInCode(email: "a") b: requestSignInCode(email: "b") }')).toBe(20);
    expect(cost('query ($r: [String!]!) { _entities(representations: $r) { ... on Variant { stockLevels { available } } } }', { r: ['1', '2', '3'] })).toBe(
      3 * (1 + assumedListSize),
    );
  });
});
