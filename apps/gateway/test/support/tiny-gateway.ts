import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { createSubgraphServer, type RunningServer } from '@omni/graphql';
import { TEST_SIGNING_SECRET, TEST_TOKEN_SECRET } from '@omni/testing';
import { createGateway } from '../../src/gateway';
import type { SubgraphName } from '../../src/subgraphs';

const SDL = /* GraphQL */ `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])

  """Reads for the HTTP edge tests."""
  type Query {
    """A greeting."""
    hello("Who to greet." name: String): String!
  }

  """Writes for the HTTP edge tests."""
  type Mutation {
    """Counts calls."""
    bump: Int!
  }
`;

export interface TinyGateway {
  url: string;
  /** How many times the mutation ran: a refused request must leave it alone. */
  bumps: () => number;
  stop: () => Promise<void>;
}

/** The real gateway over one tiny subgraph, in development or production mode, on ephemeral ports. */
export async function startTinyGateway(production: boolean): Promise<TinyGateway> {
  let bumps = 0;
  const subgraph: RunningServer = await createSubgraphServer({
    name: 'tiny',
    typeDefs: parse(SDL),
    resolvers: { Query: { hello: (_: unknown, args: { name?: string | null }) => `Hello ${args.name ?? 'world'}` }, Mutation: { bump: () => ++bumps } },
    signingSecret: TEST_SIGNING_SECRET,
    createContext: () => ({}),
    logWarning: () => {},
    logErrors: () => {},
  }).listen(0);
  const composed = composeServices([{ name: 'tiny', url: subgraph.url, typeDefs: parse(SDL) }]);
  if (composed.errors) throw composed.errors[0];
  const gateway = await createGateway({
    supergraphSdl: composed.supergraphSdl,
    subgraphUrls: {} as Record<SubgraphName, string>,
    tokenSecret: TEST_TOKEN_SECRET,
    signingSecret: TEST_SIGNING_SECRET,
    production,
    rateLimits: false,
  }).listen(0);
  return {
    url: gateway.url,
    bumps: () => bumps,
    async stop() {
      await gateway.stop();
      await subgraph.stop();
    },
  };
}
