import { parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VerifiedCallerContext } from '@omni/auth';
import { createServiceClient, createSubgraphServer, type RunningServer } from '@omni/graphql';
import { TEST_SIGNING_SECRET } from '@omni/testing';
import { createHttpDelivery, type DomainEventWire } from '../src/http-delivery';

/** A consumer subgraph that only receives events, to see the relay's signed requests accepted. */
const CONSUMER_SDL = /* GraphQL */ `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])

  """Reads."""
  type Query {
    """Events received so far."""
    received: Int!
  }

  """One event as the relay sends it."""
  input DomainEventInput {
    """Event id."""
    id: ID!
    """Event type."""
    type: String!
    """Producing subgraph."""
    producer: String!
    """The entity it is about."""
    aggregateId: ID!
    """When it happened."""
    occurredAt: String!
    """JSON payload."""
    payload: String!
  }

  """What a consumer applied."""
  type ReceivedEvents {
    """Events applied now."""
    accepted: Int!
  }

  """Writes."""
  type Mutation {
    """Takes a batch of events."""
    receiveTestEvents(events: [DomainEventInput!]!): ReceivedEvents!
  }
`;

const received: { events: DomainEventWire[]; issuer: string }[] = [];
let consumer: RunningServer;

beforeAll(async () => {
  consumer = await createSubgraphServer<{ verified: VerifiedCallerContext }>({
    name: 'consumer',
    typeDefs: parse(CONSUMER_SDL),
    resolvers: {
      Query: { received: () => received.length },
      Mutation: {
        receiveTestEvents: (_: unknown, { events }: { events: DomainEventWire[] }, { verified }: { verified: VerifiedCallerContext }) => {
          received.push({ events, issuer: verified.issuer });
          return { accepted: events.length };
        },
      },
    },
    signingSecret: TEST_SIGNING_SECRET,
    createContext: (verified) => ({ verified }),
    logErrors: () => {},
  }).listen(0);
});

afterAll(async () => {
  await consumer?.stop();
});

describe('event delivery signed for its batch', () => {
  it('is accepted by the consumer, signed as the producing service for these very events', async () => {
    const client = createServiceClient({ service: 'cart', url: consumer.url, signingSecret: TEST_SIGNING_SECRET });
    const event = { id: 'evt_1', type: 'cart.changed', producer: 'cart', aggregateId: 'cart_1', occurredAt: new Date('2026-01-01T00:00:00Z'), payload: { quantity: 2, lines: [{ sku: 'a' }] } };
    await createHttpDelivery({ client, field: 'receiveTestEvents' })([event]);
    expect(received).toEqual([{ issuer: 'cart', events: [{ ...event, occurredAt: '2026-01-01T00:00:00.000Z', payload: '{"quantity":2,"lines":[{"sku":"a"}]}' }] }]);
  });
});
