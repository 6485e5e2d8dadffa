import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CALLER_CONTEXT_HEADER, mintAccessToken, type Caller } from '@omni/auth';
import { createSubgraphServer, type RunningServer } from '@omni/graphql';
import { TEST_SIGNING_SECRET, TEST_TOKEN_SECRET } from '@omni/testing';
import { createGateway } from '../src/gateway';
import type { SubgraphName } from '../src/subgraphs';

/**
 * The caller header as the gateway really sends it: two subgraphs behind recording proxies, so a
 * test can see each fetch (an entity fetch with its representations included) and replay it.
 */
const THINGS_SDL = /* GraphQL */ `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])

  """Reads."""
  type Query {
    """Things by id, in the order asked."""
    things(ids: [ID!]!): [Thing!]!
  }

  """An amount to add to the stock, named so that it is applied once."""
  input AdjustInput {
    """How much to add."""
    delta: Int!
    """Names the change."""
    idempotencyKey: String!
  }

  """Writes."""
  type Mutation {
    """Adds to the stock and returns it."""
    adjust(input: AdjustInput!): Int!
  }

  """Something with a key."""
  type Thing @key(fields: "id") {
    """Its id."""
    id: ID!
    """Its name."""
    name: String!
  }
`;

const LABELS_SDL = /* GraphQL */ `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])

  """A thing as the labels subgraph knows it."""
  type Thing @key(fields: "id") {
    """Its id."""
    id: ID!
    """A label with a prefix."""
    label(prefix: String!): String!
  }
`;

interface Recorded {
  header: string;
  body: { query: string; variables?: Record<string, unknown>; operationName?: string };
}

/** Forwards to `target` and keeps every request that carried a caller header. */
async function recordingProxy(target: string, recorded: Recorded[]): Promise<{ url: string; server: Server }> {
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const header = req.headers[CALLER_CONTEXT_HEADER];
    if (typeof header === 'string') recorded.push({ header, body: JSON.parse(raw) as Recorded['body'] });
    const response = await fetch(target, { method: 'POST', headers: { 'content-type': 'application/json', ...(typeof header === 'string' ? { [CALLER_CONTEXT_HEADER]: header } : {}) }, body: raw });
    res.writeHead(response.status, { 'content-type': response.headers.get('content-type') ?? 'application/json' });
    res.end(await response.text());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, server };
}

async function send(url: string, body: unknown, headers: Record<string, string>) {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  const json = (await response.json()) as { data?: unknown; errors?: { extensions?: { code?: string } }[] };
  return { status: response.status, data: json.data ?? null, code: json.errors?.[0]?.extensions?.code };
}

let stock = 0;
const seenRepresentations: unknown[] = [];
const recorded: Recorded[] = [];
const running: RunningServer[] = [];
const proxies: Server[] = [];
let gateway: RunningServer;
let things: string;
let labels: string;

beforeAll(async () => {
  const thingsServer = await createSubgraphServer<{ caller: Caller }>({
    name: 'things',
    typeDefs: parse(THINGS_SDL),
    resolvers: {
      Query: { things: (_: unknown, { ids }: { ids: string[] }) => ids.map((id) => ({ id, name: `thing ${id}` })) },
      Mutation: { adjust: (_: unknown, { input }: { input: { delta: number } }) => (stock += input.delta) },
    },
    signingSecret: TEST_SIGNING_SECRET,
    createContext: ({ caller }) => ({ caller }),
    logErrors: () => {},
  }).listen(0);
  const labelsServer = await createSubgraphServer<{ caller: Caller }>({
    name: 'labels',
    typeDefs: parse(LABELS_SDL),
    resolvers: {
      Thing: {
        __resolveReference: (representation: { id: string }) => {
          seenRepresentations.push(representation);
          return { id: representation.id };
        },
        label: (thing: { id: string }, { prefix }: { prefix: string }) => `${prefix}${thing.id}`,
      },
    } as never,
    signingSecret: TEST_SIGNING_SECRET,
    createContext: ({ caller }) => ({ caller }),
    logErrors: () => {},
  }).listen(0);
  running.push(thingsServer, labelsServer);
  things = thingsServer.url;
  labels = labelsServer.url;
  const thingsProxy = await recordingProxy(things, recorded);
  const labelsProxy = await recordingProxy(labels, recorded);
  proxies.push(thingsProxy.server, labelsProxy.server);

  const composed = composeServices([
    { name: 'things', url: thingsProxy.url, typeDefs: parse(THINGS_SDL) },
    { name: 'labels', url: labelsProxy.url, typeDefs: parse(LABELS_SDL) },
  ]);
  if (composed.errors) throw composed.errors[0];
  gateway = await createGateway({ supergraphSdl: composed.supergraphSdl, subgraphUrls: {} as Record<SubgraphName, string>, tokenSecret: TEST_TOKEN_SECRET, signingSecret: TEST_SIGNING_SECRET }).listen(0);
});

afterAll(async () => {
  await gateway?.stop();
  for (const server of running) await server.stop();
  for (const proxy of proxies) await new Promise((resolve) => proxy.close(resolve));
});

describe('caller header signed for the variables the gateway sends', () => {
  it('is accepted for a mutation with variables, and refused when replayed with other variables, changing nothing', async () => {
    const admin = await mintAccessToken(TEST_TOKEN_SECRET, { role: 'admin', sub: 'admin' });
    recorded.length = 0;
    const mutation = 'mutation Adjust($i: AdjustInput!) { adjust(input: $i) }';
    expect(await send(gateway.url, { query: mutation, variables: { i: { idempotencyKey: 'k-1', delta: 1 } }, operationName: 'Adjust' }, { authorization: `Bearer ${admin}` })).toEqual({
      status: 200,
      data: { adjust: 1 },
      code: undefined,
    });
    const [captured] = recorded;
    expect(captured?.body.variables).toEqual({ i: { idempotencyKey: 'k-1', delta: 1 } });

    const replayed = { ...captured!.body, variables: { i: { delta: 500, idempotencyKey: 'k-2' } } };
    expect(await send(things, replayed, { [CALLER_CONTEXT_HEADER]: captured!.header })).toEqual({ status: 401, data: null, code: 'UNAUTHENTICATED' });
    expect(stock).toBe(1);
  });

  it('is accepted for an entity fetch, whose representations it covers too', async () => {
    recorded.length = 0;
    seenRepresentations.length = 0;
    const query = 'query Labelled($ids: [ID!]!, $prefix: String!) { things(ids: $ids) { id name label(prefix: $prefix) } }';
    expect(await send(gateway.url, { query, variables: { prefix: '#', ids: ['b', 'a'] }, operationName: 'Labelled' }, {})).toEqual({
      status: 200,
      data: { things: [{ id: 'b', name: 'thing b', label: '#b' }, { id: 'a', name: 'thing a', label: '#a' }] },
      code: undefined,
    });
    const entityFetch = recorded.find((request) => request.body.query.includes('_entities'))!;
    expect(entityFetch.body.variables).toEqual({ prefix: '#', representations: [{ __typename: 'Thing', id: 'b' }, { __typename: 'Thing', id: 'a' }] });
    expect(seenRepresentations).toHaveLength(2);

    // The same fetch with its keys in another order is the same request; other representations are not.
    const reordered = `{"variables":{"representations":[{"id":"b","__typename":"Thing"},{"id":"a","__typename":"Thing"}],"prefix":"#"},"operationName":${JSON.stringify(entityFetch.body.operationName ?? null)},"query":${JSON.stringify(entityFetch.body.query)}}`;
    expect((await send(labels, reordered, { [CALLER_CONTEXT_HEADER]: entityFetch.header })).status).toBe(200);
    const otherEntities = { ...entityFetch.body, variables: { ...entityFetch.body.variables, representations: [{ __typename: 'Thing', id: 'secret' }] } };
    expect(await send(labels, otherEntities, { [CALLER_CONTEXT_HEADER]: entityFetch.header })).toEqual({ status: 401, data: null, code: 'UNAUTHENTICATED' });
  });
});
