import type { DomainEvent } from './domain-event';

/** How an announced event travels between processes; `payloadOmitted` marks one sent without its payload. */
interface LiveEventWire {
  id: string;
  type: string;
  producer: string;
  aggregateId: string;
  occurredAt: string;
  payload: Record<string, unknown>;
  payloadOmitted?: true;
}

/** A live event whose payload was too big to travel; listeners re-read the aggregate instead. */
export type LiveDomainEvent = DomainEvent & { payloadOmitted?: true };

/**
 * Encodes an event for a shared live feed. Past `maxBytes` the payload is left out and flagged:
 * Postgres refuses a NOTIFY over 8,000 bytes, and a listener needs the aggregate id, not the payload.
 */
export function encodeLiveEvent(event: DomainEvent, maxBytes = Number.POSITIVE_INFINITY): string {
  const wire: LiveEventWire = { ...event, occurredAt: event.occurredAt.toISOString() };
  const text = JSON.stringify(wire);
  if (Buffer.byteLength(text) <= maxBytes) return text;
  return JSON.stringify({ ...wire, payload: {}, payloadOmitted: true } satisfies LiveEventWire);
}

export function decodeLiveEvent(text: string): LiveDomainEvent {
  const wire = JSON.parse(text) as LiveEventWire;
  if (typeof wire.id !== 'string' || typeof wire.type !== 'string' || typeof wire.aggregateId !== 'string') throw new Error('Malformed live event');
  return { ...wire, occurredAt: new Date(wire.occurredAt), payload: wire.payload ?? {} };
}

/** Whether a live event arrived without its payload (it was too big for the feed). */
export const isPayloadOmitted = (event: DomainEvent): boolean => (event as LiveDomainEvent).payloadOmitted === true;
