import { buildSchema, parse, type OperationDefinitionNode } from 'graphql';
import { costAnnotationsFromSdl } from '../src/operation-limits';

/** A small catalog: a connection, plain lists, a list with a declared size and a mutation. */
export const SDL = /* GraphQL */ `
  directive @cost(weight: Int!) on FIELD_DEFINITION | OBJECT | SCALAR | ENUM
  directive @listSize(assumedSize: Int, slicingArguments: [String!], sizedFields: [String!], requireOneSlicingArgument: Boolean = true) on FIELD_DEFINITION
  type Query {
    product(id: ID!): Product
    products(first: Int, after: String): ProductConnection!
    recentlyViewed(first: Int = 5): [Product!]!
    locations: [Location!]! @listSize(assumedSize: 3)
    search(limit: Int): SearchResults! @listSize(slicingArguments: ["limit"], sizedFields: ["hits"])
    node(id: ID!): Node
    _entities(representations: [String!]!): [Node]!
  }
  type Mutation { requestSignInCode(email: String!): Boolean! }
  interface Node { id: ID! }
  type ProductConnection { edges: [ProductEdge!]! pageInfo: PageInfo! }
  type ProductEdge { cursor: String! node: Product! }
  type PageInfo { hasNextPage: Boolean! }
  type SearchResults { hits: [Product!]! total: Int! }
  type Product implements Node { id: ID! title: String! tags: [String!]! variants: [Variant!]! expensive: Int! @cost(weight: 50) }
  type Variant implements Node { id: ID! sku: String! product: Product! stockLevels: [StockLevel!]! }
  type StockLevel { available: Int! variant: Variant! location: Location! }
  type Location implements Node { id: ID! name: String! }
`;

export const schema = buildSchema(SDL);
export const annotations = costAnnotationsFromSdl(parse(SDL));

export function parsed(source: string) {
  const document = parse(source);
  const operation = document.definitions.find((definition): definition is OperationDefinitionNode => definition.kind === 'OperationDefinition')!;
  return { document, operation };
}

/** `product { variants { product { … } } }` nested `levels` times. */
export function variantProductChain(levels: number, leaf = 'id'): string {
  return 'variants { product { '.repeat(levels) + leaf + ' } }'.repeat(levels);
}
