import { createRequire } from 'node:module';
import { buildSchema, parse, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { checkLiterals, checkVariables } from '../src/input-hygiene';

// The gateway's view: custom scalars known by name only, with no parsing of their own.
const schema = buildSchema(`
  scalar Decimal
  scalar DateTime
  input Range { min: Decimal, max: Decimal }
  input Filter { search: String, range: Range, tags: [String!], from: DateTime }
  type Query { products(filter: Filter, ids: [ID!]): [String!]! }
`);

function problemsOf(query: string, variables?: Record<string, unknown>, on: GraphQLSchema = schema) {
  const document = parse(query);
  const operation = document.definitions[0] as OperationDefinitionNode;
  return [...checkLiterals(on, document), ...checkVariables(on, operation, variables)];
}

describe('input hygiene', () => {
  it('passes clean input', () => {
    expect(problemsOf('query($f: Filter) { products(filter: $f, ids: ["prod_1"]) }', { f: { search: 'shoe', range: { min: '1.00' }, from: '2026-01-01T00:00:00Z' } })).toEqual([]);
  });

  it('finds NUL in variables wherever it hides, keys included', () => {
    expect(problemsOf('query($f: Filter) { products(filter: $f) }', { f: { tags: ['ok', 'b\u0000d'] } })).toEqual([
      { where: '$f.tags.1', message: 'must not contain a NUL character' },
    ]);
    expect(problemsOf('query($f: Filter) { products(filter: $f) }', { f: { 'x\u0000': 1 } })).toHaveLength(1);
    expect(problemsOf('query($ids: [ID!]) { products(ids: $ids) }', { ids: ['prod_1\u0000'] })).toHaveLength(1);
  });

  it('finds lone surrogates, which have no UTF-8 form', () => {
    expect(problemsOf('query($f: Filter) { products(filter: $f) }', { f: { search: 'broken \ud800 text' } })).toEqual([
      { where: '$f.search', message: 'must be well-formed Unicode text' },
    ]);
    expect(problemsOf('query($f: Filter) { products(filter: $f) }', { f: { search: 'emoji \ud83d\ude00 ok' } })).toEqual([]);
  });

  it('finds NUL in inline literals', () => {
    expect(problemsOf('{ products(filter: { search: "a\\u0000b" }) }')).toEqual([{ where: 'products(filter).search', message: 'must not contain a NUL character' }]);
  });

  it('parses custom scalars in variables and literals', () => {
    expect(problemsOf('query($f: Filter) { products(filter: $f) }', { f: { range: { min: 'abc' } } })[0]?.where).toBe('$f.range.min');
    expect(problemsOf('query($f: Filter) { products(filter: $f) }', { f: { from: '+275760-09-13T00:00:00.000Z' } })[0]?.where).toBe('$f.from');
    expect(problemsOf('{ products(filter: { range: { max: "1e9" } }) }')).toHaveLength(1);
    expect(problemsOf('{ products(filter: { from: "2024-02-30T00:00:00Z" }) }')).toHaveLength(1);
    expect(problemsOf('{ products(filter: { range: { min: 5 } }) }')).toHaveLength(1);
  });

  it('works on a schema built by the CommonJS copy of graphql-js, as Apollo builds them', () => {
    const commonJs = createRequire(import.meta.url)('graphql') as typeof import('graphql');
    const foreign = commonJs.buildSchema(`scalar Decimal input Range { min: Decimal } type Query { products(range: Range, search: String): [String!]! }`);
    expect(problemsOf('query($r: Range) { products(range: $r) }', { r: { min: 'abc' } }, foreign)).toHaveLength(1);
    expect(problemsOf('{ products(range: { min: "1e5" }) }', undefined, foreign)).toHaveLength(1);
    expect(problemsOf('{ products(search: "shoe") }', undefined, foreign)).toEqual([]);
  });
});
