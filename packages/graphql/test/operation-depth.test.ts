import { getIntrospectionQuery, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { countAliases, countDirectives, countDocument, countRootFields, operationDepth } from '../src/operation-limits';
import { parsed, variantProductChain } from './operation-limits-fixtures';

const depth = (source: string) => {
  const { document, operation } = parsed(source);
  return operationDepth(document, operation);
};

describe('operation depth', () => {
  it('counts nested fields, not fragments', () => {
    expect(depth('{ __typename }')).toBe(1);
    expect(depth('{ products { edges { node { id } } } }')).toBe(4);
    expect(depth('{ product(id: "p") { ... on Product { ...V } } } fragment V on Product { variants { sku } }')).toBe(3);
    expect(depth(`{ product(id: "p") { ${variantProductChain(100)} } }`)).toBe(1 + 200 + 1);
  });

  it('leaves introspection to the cost limit', () => {
    expect(depth(getIntrospectionQuery())).toBe(1);
  });

  it('follows a chain of fragments and gives a cycle no end', () => {
    const chain = Array.from({ length: 100 }, (_, i) => `fragment F${i} on Product { variants { product { ...F${i + 1} } } }`).join(' ');
    expect(depth(`{ product(id: "p") { ...F0 } } ${chain} fragment F100 on Product { id }`)).toBe(1 + 200 + 1);
    expect(depth('{ product(id: "p") { ...A } } fragment A on Product { variants { product { ...B } } } fragment B on Product { ...A }')).toBe(Infinity);
  });
});

describe('operation counts', () => {
  it('counts aliases and directives in the whole document', () => {
    const { document } = parsed('{ a: product(id: "1") { id @include(if: true) } ...F } fragment F on Query { b: product(id: "2") @skip(if: false) { id } }');
    expect(countAliases(document)).toBe(2);
    expect(countDirectives(document)).toBe(2);
  });

  it('counts root fields through fragments, each mutation apart', () => {
    const mutations = Array.from({ length: 1000 }, (_, i) => `m${i}: requestSignInCode(email: "x${i}@example.com")`).join(' ');
    const { document, operation } = parsed(`mutation { ${mutations} }`);
    expect(countRootFields(document, operation)).toBe(1000);
    const query = parsed('{ __typename product(id: "1") { id } ...F ... on Query { locations { id } } } fragment F on Query { products { pageInfo { hasNextPage } } }');
    expect(countRootFields(query.document, query.operation)).toBe(3);
  });

  it('counts a field repeated in one selection set however it gets there: written out, inline or spread from fragments', () => {
    const repeated = (source: string) => countDocument(parse(source)).repeatedField;
    expect(repeated('{ product(id: "1") { id id } locations { id } }')).toBe(2);
    expect(repeated('{ products { pageInfo { hasNextPage } } ... on Query { products { pageInfo { hasNextPage } } } }')).toBe(2);
    const spreads = Array.from({ length: 800 }, (_, i) => `...F${i}`).join(' ');
    const fragments = Array.from({ length: 800 }, (_, i) => `fragment F${i} on Query { products(first: 1) { edges { node { id } } } }`).join(' ');
    expect(repeated(`{ ${spreads} } ${fragments}`)).toBe(800);
    // Nested spreads multiply; a cycle is cut after one round instead of looping (validation refuses it).
    expect(repeated('{ ...A ...A } fragment A on Query { ...B ...B } fragment B on Query { locations { id } }')).toBe(4);
    expect(repeated('{ ...A } fragment A on Query { locations { id } ...A }')).toBe(2);
  });
});
