import { isConnectionReset, type ServiceClient } from '@omni/graphql';
import type { DeliverEvents } from './relay';
import type { DomainEvent } from './domain-event';

/**
 * The wire shape of an event sent to a consumer's internal mutation: `DomainEventInput` of the
 * shared SDL (payload as a JSON string), taken by `<field>(events: [DomainEventInput!]!): ReceivedEvents!`.
 */
export interface DomainEventWire {
  id: string;
  type: string;
  producer: string;
  aggregateId: string;
  occurredAt: string;
  payload: string;
}

export function toWire(event: DomainEvent): DomainEventWire {
  return {
    id: event.id,
    type: event.type,
    producer: event.producer,
    aggregateId: event.aggregateId,
    occurredAt: event.occurredAt.toISOString(),
    payload: JSON.stringify(event.payload),
  };
}

export function fromWire(wire: DomainEventWire): DomainEvent {
  const payload: unknown = JSON.parse(wire.payload);
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) throw new Error('Event payload must be a JSON object');
  return { ...wire, occurredAt: new Date(wire.occurredAt), payload: payload as Record<string, unknown> };
}

/**
 * Delivers over HTTP to a sibling subgraph's internal mutation, signed as the producing service
 * (the client). Only the event types the consumer subscribes to are sent.
 */
export function createHttpDelivery(options: { client: ServiceClient; field: string; types?: readonly string[] }): DeliverEvents {
  const query = `mutation DeliverEvents($events: [DomainEventInput!]!) { ${options.field}(events: $events) { accepted } }`;
  return async (events) => {
    const wanted = options.types ? events.filter((event) => options.types!.includes(event.type)) : events;
    if (wanted.length === 0) return;
    const variables = { events: wanted.map(toWire) };
    try {
      await options.client.request(query, variables);
    } catch (error) {
      // Consumers apply each event id once, so a batch that met a reset connection is sent again
      // at once instead of waiting for the relay's back-off.
      if (!isConnectionReset(error)) throw error;
      await options.client.request(query, variables);
    }
  };
}

/** Several consumers of one outbox: the batch counts as delivered only when all accepted it. */
export function fanOut(...deliveries: DeliverEvents[]): DeliverEvents {
  return async (events) => {
    const results = await Promise.allSettled(deliveries.map((deliver) => deliver(events)));
    const failed = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failed) throw failed.reason;
  };
}
