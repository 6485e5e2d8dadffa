import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import type { Caller } from '@omni/auth';
import { createSubgraphServer } from '@omni/graphql';
import { TEST_SIGNING_SECRET, TEST_TOKEN_SECRET } from '@omni/testing';
import { createGateway, type GatewayOptions } from '../../src/gateway';
import { buildManifest } from '../../src/persisted-operations';
import type { SubgraphName } from '../../src/subgraphs';

const SDL = /* GraphQL */ `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])

  """Reads for the gateway tests."""
  type Query {
    """How the subgraph saw the caller."""
    whoami: String!
  }

  """Writes for the gateway tests."""
  type Mutation {
    """Counts calls; as a mutation field it costs 10."""
    bump: Int!
  }
`;

/** A one-field subgraph that counts the operations that reached it. */
export async function startTinySubgraph() {
  const calls = { whoami: 0, bump: 0 };
  const server = await createSubgraphServer<{ caller: Caller }>({
    name: 'tiny',
    typeDefs: parse(SDL),
    resolvers: {
      Query: { whoami: (_: unknown, __: unknown, context: { caller: Caller }) => (calls.whoami++, context.caller.kind) },
      Mutation: { bump: () => ++calls.bump },
    },
    signingSecret: TEST_SIGNING_SECRET,
    createContext: ({ caller }) => ({ caller }),
    logWarning: () => {},
    logErrors: () => {},
  }).listen(0);
  return { ...server, calls };
}

export function tinySupergraphSdl(subgraphUrl: string): string {
  const composed = composeServices([{ name: 'tiny', url: subgraphUrl, typeDefs: parse(SDL) }]);
  if (composed.errors) throw composed.errors[0];
  return composed.supergraphSdl;
}

/** A manifest file of the given operations, in a fresh temporary directory. */
export function writeManifest(operations: readonly string[]): string {
  const file = join(mkdtempSync(join(tmpdir(), 'omni-manifest-')), 'persisted-operations.json');
  writeFileSync(file, JSON.stringify(buildManifest(operations.map((text, index) => ({ file: `op-${index}`, text })))));
  return file;
}

export function tinyGateway(subgraphUrl: string, options: Partial<GatewayOptions> = {}) {
  return createGateway({
    supergraphSdl: tinySupergraphSdl(subgraphUrl),
    subgraphUrls: {} as Record<SubgraphName, string>,
    tokenSecret: TEST_TOKEN_SECRET,
    signingSecret: TEST_SIGNING_SECRET,
    ...options,
  });
}

export interface Answer {
  status: number;
  retryAfter: string | null;
  body: { data?: Record<string, unknown> | null; errors?: { message: string; extensions?: Record<string, unknown> }[]; extensions?: { cost?: Record<string, unknown> } };
}

export async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return { status: response.status, retryAfter: response.headers.get('retry-after'), body: (await response.json()) as Answer['body'] };
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
