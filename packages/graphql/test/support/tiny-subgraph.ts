import { parse } from 'graphql';
import type { VerifiedCallerContext } from '@omni/auth';
import { createSubgraphServer } from '../../src/subgraph-server';

/** A one-type subgraph without a database: enough to exercise the HTTP layer and the caller header. */
export const TINY_SDL = /* GraphQL */ `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])

  """The caller as the subgraph saw it."""
  type Query {
    """Kind of the verified caller."""
    whoami: String!
    """A greeting, to have a second operation to replay a header for."""
    hello: String!
    """A greeting for someone, to send variables with a GET."""
    greet(name: String!): String!
  }

  """An amount to add to the counter, with a key as a mutation of stock would have."""
  input AddInput {
    """How much to add."""
    by: Int!
    """Names the change."""
    key: String!
  }

  """Changes, to check that they are never sent twice."""
  type Mutation {
    """Counts calls."""
    bump: Int!
    """Adds to the counter and returns it."""
    add(input: AddInput!): Int!
  }
`;

export function createTinySubgraph(options: { signingSecret: string; logWarning?: (line: string) => void; logErrors?: (error: unknown) => void; bodyLimit?: number }) {
  let bumps = 0;
  const server = createSubgraphServer<{ verified: VerifiedCallerContext }>({
    name: 'tiny',
    typeDefs: parse(TINY_SDL),
    resolvers: {
      Query: {
        whoami: (_: unknown, __: unknown, context: { verified: VerifiedCallerContext }) => `${context.verified.issuer}:${context.verified.caller.kind}`,
        hello: () => 'hello',
        greet: (_: unknown, { name }: { name: string }) => `hello ${name}`,
      },
      Mutation: { bump: () => ++bumps, add: (_: unknown, { input }: { input: { by: number } }) => (bumps += input.by) },
    },
    signingSecret: options.signingSecret,
    createContext: (verified) => ({ verified }),
    logWarning: options.logWarning,
    logErrors: options.logErrors ?? (() => {}),
    bodyLimit: options.bodyLimit,
  });
  return { server, bumps: () => bumps };
}
